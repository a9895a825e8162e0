//! The protocol's framing, read by cspr itself: `Content-Length` headers, a blank line,
//! a JSON body, parsed into `lsp-server`'s message types.
//!
//! `lsp-server`'s own reader ends the connection at the first malformed frame; an
//! editor's server must not die of one message. Here a frame that cannot be read is
//! [`Frame::Invalid`]: the server answers it with a JSON-RPC error and reads on. A
//! header without a usable length is skipped up to the next `Content-Length`, a body
//! over [`MAX_BODY`] is read past and refused, and nothing of a bad frame is kept for a
//! message (it may hold case text).

use std::io::{self, BufRead, Read, Write};

use lsp_server::{ErrorCode, Message};
use serde_json::Value;

/// The largest body read (64 MiB: a 100,000-line policy is about 5 MiB).
pub const MAX_BODY: usize = 64 << 20;
/// The longest header line kept; the rest of a longer one is read past.
const MAX_HEADER_LINE: usize = 1 << 10;

/// One frame from the client.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// A frame that is not a message: answer with this error (to `id`, or to `null`
    /// when the frame had no readable id), and read on.
    Invalid {
        id: Option<Value>,
        code: ErrorCode,
        message: &'static str,
    },
    /// The input ended.
    End,
}

fn invalid(id: Option<Value>, code: ErrorCode, message: &'static str) -> Frame {
    Frame::Invalid { id, code, message }
}

/// Read one frame.
pub fn read(r: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<Option<usize>> = None;
    let mut seen = false;
    loop {
        let Some(line) = header_line(r)? else {
            return Ok(Frame::End);
        };
        let line = String::from_utf8_lossy(&line);
        let line = line.trim();
        if line.is_empty() {
            if seen {
                break;
            }
            continue;
        }
        seen = true;
        // Found anywhere on the line, so that a frame follows the body of one whose
        // length was wrong.
        if let Some(at) = line.to_ascii_lowercase().find("content-length:") {
            let value = &line[at + "content-length:".len()..];
            length = Some(value.trim().parse::<usize>().ok());
        }
    }
    let Some(Some(length)) = length else {
        return Ok(invalid(
            None,
            ErrorCode::ParseError,
            "the message's header has no valid Content-Length",
        ));
    };
    if length > MAX_BODY {
        let skipped = io::copy(&mut Read::take(&mut *r, length as u64), &mut io::sink())?;
        if skipped < length as u64 {
            return Ok(Frame::End);
        }
        return Ok(invalid(
            None,
            ErrorCode::InvalidRequest,
            "the message is larger than 64 MiB",
        ));
    }
    let mut body = vec![0; length];
    if let Err(e) = r.read_exact(&mut body) {
        return if e.kind() == io::ErrorKind::UnexpectedEof {
            Ok(Frame::End)
        } else {
            Err(e)
        };
    }
    Ok(parse(&body))
}

/// A body as a message.
pub fn parse(body: &[u8]) -> Frame {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return invalid(None, ErrorCode::ParseError, "the message is not JSON");
    };
    let id = value
        .get("id")
        .filter(|id| id.is_number() || id.is_string())
        .cloned();
    if !value.is_object() {
        return invalid(
            None,
            ErrorCode::InvalidRequest,
            "the message is not a JSON object (batches are not supported)",
        );
    }
    match serde_json::from_value::<Message>(value) {
        Ok(msg) => Frame::Message(msg),
        Err(_) => invalid(
            id,
            ErrorCode::InvalidRequest,
            "the message is not a request, a response or a notification",
        ),
    }
}

/// One header line, without its end; `None` at the end of input. Bytes past
/// [`MAX_HEADER_LINE`] are read and dropped.
fn header_line(r: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let mut any = false;
    loop {
        let buf = match r.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(any.then_some(line));
        }
        any = true;
        let (chunk, done) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let room = MAX_HEADER_LINE.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = chunk.len();
        r.consume(used);
        if done {
            return Ok(Some(line));
        }
    }
}

/// Write one message.
pub fn write(w: &mut impl Write, msg: &Message) -> io::Result<()> {
    msg.write(w)?;
    w.flush()
}

/// Write an error answer to a frame that was not a message.
pub fn write_error(
    w: &mut impl Write,
    id: Option<Value>,
    code: ErrorCode,
    message: &str,
) -> io::Result<()> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id.unwrap_or(Value::Null),
        "error": {"code": code as i32, "message": message},
    })
    .to_string();
    write!(w, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    w.flush()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut r = io::BufReader::new(input);
        let mut out = Vec::new();
        loop {
            match read(&mut r).unwrap() {
                Frame::End => return out,
                f => out.push(f),
            }
        }
    }

    #[test]
    fn a_bad_frame_is_skipped_and_the_next_is_read() {
        let good = r#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#;
        let input = format!(
            "Content-Length: x\r\n\r\n{good}Content-Length: {}\r\n\r\n{good}\
             Content-Length: 5\r\n\r\n{{nope\
             Content-Length: {}\r\n\r\n{good}",
            good.len(),
            good.len()
        );
        let got = frames(input.as_bytes());
        assert!(matches!(
            got[0],
            Frame::Invalid {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(matches!(&got[1], Frame::Message(Message::Request(r)) if r.method == "shutdown"));
        assert!(matches!(
            got[2],
            Frame::Invalid {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(matches!(&got[3], Frame::Message(Message::Request(_))));
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn a_frame_that_is_json_but_no_message_keeps_its_id() {
        let got = frames(b"Content-Length: 8\r\n\r\n{\"id\":3}");
        match &got[..] {
            [Frame::Invalid { id, code, .. }] => {
                assert_eq!(id, &Some(Value::from(3)));
                assert!(matches!(code, ErrorCode::InvalidRequest));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_cut_body_ends_the_input() {
        assert!(frames(b"Content-Length: 100\r\n\r\n{}").is_empty());
    }
}
