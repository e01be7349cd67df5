//! The redacted transcript of the requests one test sends: each request is sent through the
//! client and recorded under a `--- label` line — the whole exchange, or the request line and
//! the transport error when no answer came. The suite's cases and the Entra provisioning
//! replay both record this way.

use crate::http::{Exchange, HttpClient, HttpError, OutgoingRequest, Redactor};

/// The text of a transcript, built one request at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    text: String,
}

impl Transcript {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `request` and records it under `label`, redacted: the exchange, or the request
    /// and the transport error. The result is the client's.
    pub async fn send(
        &mut self,
        client: &HttpClient,
        redactor: &Redactor,
        request: &OutgoingRequest,
        label: &str,
    ) -> Result<Exchange, HttpError> {
        let result = client.send(request).await;
        self.record_result(client, redactor, request, &result, label);
        result
    }

    /// Records what sending `request` gave, under `label`, redacted: the exchange, or the
    /// request and the transport error (for requests sent together and recorded after).
    pub fn record_result(
        &mut self,
        client: &HttpClient,
        redactor: &Redactor,
        request: &OutgoingRequest,
        result: &Result<Exchange, HttpError>,
        label: &str,
    ) {
        match result {
            Ok(exchange) => self.record(label, exchange, redactor),
            Err(e) => {
                let url = client.url_for(&request.path, &request.query);
                self.text.push_str(&format!(
                    "--- {label}\n> {} {}\n! {}\n",
                    request.method,
                    redactor.redact(&url),
                    redactor.redact(&e.to_string())
                ));
            }
        }
    }

    /// Records an exchange under `label`, redacted.
    pub fn record(&mut self, label: &str, exchange: &Exchange, redactor: &Redactor) {
        self.text.push_str(&format!("--- {label}\n"));
        self.text.push_str(&exchange.render(redactor));
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn into_string(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ClientOptions;
    use std::io::{Read, Write};

    /// A server answering every connection once with `201` and a small SCIM body.
    fn one_answer_server() -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let addr = listener.local_addr().expect("local address");
        std::thread::spawn(move || {
            while let Ok((mut socket, _)) = listener.accept() {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf);
                let body = r#"{"id":"1"}"#;
                let answer = format!(
                    "HTTP/1.1 201 Created\r\ncontent-type: application/scim+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes());
            }
        });
        format!("http://{addr}/scim/v2")
    }

    fn client(base: &str, token: &str) -> HttpClient {
        let mut options = ClientOptions::new(base);
        options.credentials = crate::http::Credentials::Bearer(token.into());
        options.max_retries = 0;
        HttpClient::new(options).expect("client builds")
    }

    #[tokio::test]
    async fn an_answer_is_recorded_under_its_label() {
        let base = one_answer_server();
        let client = client(&base, "s3cret-token");
        let redactor = client.redactor().clone();
        let mut transcript = Transcript::new();
        let mut request = OutgoingRequest::get("/Users".to_string());
        request.method = "POST".into();
        let exchange = transcript
            .send(&client, &redactor, &request, "step 1 'create'")
            .await
            .expect("the server answers");
        assert_eq!(exchange.response.status, 201);
        let text = transcript.as_str();
        assert_eq!(
            text,
            format!("--- step 1 'create'\n{}", exchange.render(&redactor))
        );
        assert!(text.contains("> POST "), "{text}");
        assert!(!text.contains("s3cret-token"), "{text}");
    }

    #[tokio::test]
    async fn a_transport_error_is_recorded_with_its_request() {
        let client = client("http://127.0.0.1:1/scim/v2", "s3cret-token");
        let redactor = client.redactor().clone();
        let mut transcript = Transcript::new();
        let request = OutgoingRequest::get("/Users".to_string());
        let error = transcript
            .send(&client, &redactor, &request, "cleanup")
            .await
            .expect_err("nothing listens on port 1");
        assert_eq!(
            transcript.into_string(),
            format!(
                "--- cleanup\n> GET http://127.0.0.1:1/scim/v2/Users\n! {}\n",
                redactor.redact(&error.to_string())
            )
        );
    }
}
