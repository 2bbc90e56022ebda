//! Keeps a kept-alive connection reusable when a request is answered before its body was read
//! (a bad path id, a 401, a 429): hyper would stop reading the connection once the body is
//! dropped unread and close it after the response (which may already have promised
//! keep-alive), so the client's next request on it met a closed socket or a reset. Here the
//! rest of the body is read and dropped before the response goes out, up to a size and a
//! time; past either, the response says `Connection: close` so the client does not reuse it.

use parking_lot::{Mutex, MutexGuard};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use hyper::body::{Frame, SizeHint};
use tower_http::timeout::TimeoutBody;

/// Most of an unread body read to keep its connection (a refused ingest batch or plan is
/// usually well under it); a larger rest costs the client a new connection instead.
const DRAIN_MAX_BYTES: usize = 1024 * 1024;
/// Longest time spent reading an unread body before giving up on the connection.
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// The request body, shared by the handler (which may read any of it) and the drain after.
struct Unread {
    body: Body,
    /// Whether the handler asked for the body at all (and so hyper sent `100 Continue`).
    polled: bool,
}

struct SharedBody(Arc<Mutex<Unread>>);

fn lock(shared: &Mutex<Unread>) -> MutexGuard<'_, Unread> {
    shared.lock()
}

impl HttpBody for SharedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let mut unread = lock(&self.0);
        unread.polled = true;
        Pin::new(&mut unread.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        lock(&self.0).body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        lock(&self.0).body.size_hint()
    }
}

/// The request's body, shared with the handler, so that what it leaves unread can be read
/// after the response is made.
pub struct Unfinished {
    shared: Arc<Mutex<Unread>>,
    expects_continue: bool,
}

/// Puts a request's body where [`Unfinished::finish`] can find what the handler left of
/// it; a request without a body is passed on as it is (`None`), costing nothing. The body
/// also fails its read after a pause of `timeout` (tower-http's request body timeout).
pub fn share(req: Request, timeout: Duration) -> (Request, Option<Unfinished>) {
    if req.body().is_end_stream() {
        return (req, None);
    }
    let expects_continue = req
        .headers()
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let (parts, body) = req.into_parts();
    let shared = Arc::new(Mutex::new(Unread {
        body: Body::new(TimeoutBody::new(timeout, body)),
        polled: false,
    }));
    let req = Request::from_parts(parts, Body::new(SharedBody(shared.clone())));
    let unfinished = Unfinished {
        shared,
        expects_continue,
    };
    (req, Some(unfinished))
}

impl Unfinished {
    /// Reads what is left of the body, or marks the response `Connection: close` when that
    /// cannot be done.
    pub async fn finish(self, mut response: Response) -> Response {
        let rest = {
            let mut unread = lock(&self.shared);
            if unread.body.is_end_stream() {
                return response;
            }
            // A client waiting for `100 Continue` has not sent its body: asking for it now
            // only to drop it would waste its upload, so the connection ends instead.
            (!self.expects_continue || unread.polled).then(|| std::mem::take(&mut unread.body))
        };
        let reusable = match rest {
            Some(body) => drain(body).await,
            None => false,
        };
        if !reusable {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// Reads `body` to its end; false when it is longer than [`DRAIN_MAX_BYTES`], fails, or
/// takes longer than [`DRAIN_TIME`].
async fn drain(mut body: Body) -> bool {
    let read = async {
        let mut left = DRAIN_MAX_BYTES;
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            let Ok(frame) = frame else {
                return false;
            };
            let size = frame.data_ref().map_or(0, Bytes::len);
            let Some(rest) = left.checked_sub(size) else {
                return false;
            };
            left = rest;
        }
        true
    };
    tokio::time::timeout(DRAIN_TIME, read)
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(sizes: &[usize]) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> = sizes
            .iter()
            .map(|n| Ok(Bytes::from(vec![b'x'; *n])))
            .collect();
        Body::from_stream(futures_util::stream::iter(chunks))
    }

    #[tokio::test]
    async fn a_rest_up_to_the_cap_is_drained() {
        assert!(drain(chunks(&[])).await);
        assert!(drain(chunks(&[DRAIN_MAX_BYTES / 2, DRAIN_MAX_BYTES / 2])).await);
        assert!(!drain(chunks(&[DRAIN_MAX_BYTES / 2, DRAIN_MAX_BYTES / 2 + 1])).await);
    }
}
