//! A native [`HttpTransport`] over `ureq` (feature `native`).
//!
//! Each request runs on its own thread with a blocking client; the status and headers, then
//! body chunks, are forwarded over channels, so the async API works from any executor. When
//! the body stream is dropped the thread stops after its current read.

use std::io::Read;
use std::time::Duration;

use futures_channel::{mpsc, oneshot};
use futures_util::future::LocalBoxFuture;
use kiln_core::http::{BodyChunk, HttpError, HttpRequest, HttpResponse, HttpTransport, Method};

/// The native transport. Cheap to clone (clones share the connection pool).
#[derive(Debug, Clone)]
pub struct UreqTransport {
    agent: ureq::Agent,
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl UreqTransport {
    /// A transport with a 30 s connect timeout and a 10 min limit for the response to start.
    #[must_use]
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(600)))
            .build();
        UreqTransport {
            agent: ureq::Agent::new_with_config(config),
        }
    }
}

fn map_error(e: ureq::Error) -> HttpError {
    match e {
        ureq::Error::Timeout(t) => HttpError::Timeout(t.to_string()),
        ureq::Error::BadUri(s) => HttpError::InvalidRequest(s),
        other => HttpError::Network(other.to_string()),
    }
}

type Head = Result<(u16, Vec<(String, String)>), HttpError>;

fn run(
    agent: &ureq::Agent,
    req: HttpRequest,
    head_tx: oneshot::Sender<Head>,
    body_tx: &mpsc::UnboundedSender<BodyChunk>,
) {
    let mut builder = ureq::http::Request::builder()
        .method(req.method.as_str())
        .uri(req.url.as_str());
    for (name, value) in &req.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let result = match (req.method, req.body) {
        (Method::Post, Some(body)) => builder
            .body(body)
            .map_err(|e| HttpError::InvalidRequest(e.to_string()))
            .and_then(|r| agent.run(r).map_err(map_error)),
        _ => builder
            .body(())
            .map_err(|e| HttpError::InvalidRequest(e.to_string()))
            .and_then(|r| agent.run(r).map_err(map_error)),
    };
    let response = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = head_tx.send(Err(e));
            return;
        }
    };
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    if head_tx.send(Ok((status, headers))).is_err() {
        return;
    }
    let mut reader = response.into_body().into_reader();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                if body_tx.unbounded_send(Ok(buf[..n].to_vec())).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = body_tx.unbounded_send(Err(HttpError::Body(e.to_string())));
                return;
            }
        }
    }
}

impl HttpTransport for UreqTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, HttpError>> {
        let (head_tx, head_rx) = oneshot::channel();
        let (body_tx, body_rx) = mpsc::unbounded();
        let agent = self.agent.clone();
        let spawned = std::thread::Builder::new()
            .name("kiln-http".into())
            .spawn(move || run(&agent, req, head_tx, &body_tx));
        Box::pin(async move {
            spawned.map_err(|e| HttpError::Network(format!("cannot start a thread: {e}")))?;
            let (status, headers) = head_rx
                .await
                .map_err(|_| HttpError::Network("the HTTP thread ended early".into()))??;
            Ok(HttpResponse {
                status,
                headers,
                body: Box::pin(body_rx),
            })
        })
    }
}
