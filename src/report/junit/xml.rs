//! The XML writer of the JUnit reports: every attribute and text passes through the run's
//! redactor and loses what XML 1.0 cannot carry.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::http::Redactor;

/// Text as the report may hold it: secrets masked and control characters escaped by the
/// redactor, then anything XML 1.0 still cannot carry replaced rather than emit invalid XML.
fn clean(redactor: &Redactor, text: &str) -> String {
    redactor
        .show(text)
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

pub type XmlResult = std::io::Result<()>;

/// The XML being written; every attribute and text goes through [`clean`].
pub struct Xml {
    writer: Writer<Vec<u8>>,
    redactor: Redactor,
}

impl Xml {
    /// A document with its XML declaration written.
    pub fn new(redactor: Redactor) -> std::io::Result<Self> {
        let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        Ok(Xml { writer, redactor })
    }

    /// The document's bytes, ending with a line break.
    pub fn finish(self) -> Vec<u8> {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        bytes
    }

    fn tag<'a>(&self, name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
        let mut el = BytesStart::new(name);
        for (k, v) in attrs {
            el.push_attribute((*k, clean(&self.redactor, v).as_str()));
        }
        el
    }

    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> XmlResult {
        let el = self.tag(name, attrs);
        self.writer.write_event(Event::Start(el))
    }

    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> XmlResult {
        let el = self.tag(name, attrs);
        self.writer.write_event(Event::Empty(el))
    }

    pub fn end(&mut self, name: &str) -> XmlResult {
        self.writer.write_event(Event::End(BytesEnd::new(name)))
    }

    pub fn text(&mut self, text: &str) -> XmlResult {
        self.writer
            .write_event(Event::Text(BytesText::new(&clean(&self.redactor, text))))
    }

    pub fn element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> XmlResult {
        self.start(name, attrs)?;
        self.text(text)?;
        self.end(name)
    }

    pub fn properties(&mut self, props: &[(String, String)]) -> XmlResult {
        if props.is_empty() {
            return Ok(());
        }
        self.start("properties", &[])?;
        for (name, value) in props {
            self.empty("property", &[("name", name), ("value", value)])?;
        }
        self.end("properties")
    }
}
