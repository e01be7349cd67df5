//! Sends the requests of a `parallel:` step group at once: a join of their futures, polled
//! together on the case's task, each answer kept in the group's order whatever order they
//! came in. Dropping the join (the run's deadline, an interrupt) drops every request.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// Awaits every future concurrently; the outputs in the order of `futures`.
pub async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pending: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut waiting = false;
        for (future, output) in pending.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => *output = Some(value),
                    Poll::Pending => waiting = true,
                }
            }
        }
        if waiting {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    #[tokio::test]
    async fn outputs_keep_the_given_order_and_run_at_once() {
        let started = Instant::now();
        let delays = [60u64, 10, 40];
        let futures = delays
            .iter()
            .map(|&ms| async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                ms
            })
            .collect();
        let outputs = join_all(futures).await;
        assert_eq!(outputs, delays);
        // Sequentially they would take 110 ms; together, about the longest.
        assert!(
            started.elapsed() < Duration::from_millis(105),
            "{:?}",
            started.elapsed()
        );
    }
}
