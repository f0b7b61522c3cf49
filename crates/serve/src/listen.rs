//! Accepting connections: HTTP/1.1 with keep-alive, and a deadline for each request head,
//! so a connection that sends nothing (an idle keep-alive one, or one opened to hold a
//! socket) is closed instead of held for ever.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;

/// How long a connection may take to send a request's head, by default, counted from when
/// the server starts waiting for it: after it connects, and after each response on a
/// kept-alive connection. Live reload's event stream is a response in progress, not a wait.
pub(crate) const REQUEST_HEAD_TIMEOUT: Duration = Duration::from_secs(15);

/// Serves `router` on `listener` until `stop` completes.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    head_timeout: Duration,
    stop: impl Future<Output = ()>,
) {
    let mut stop = std::pin::pin!(stop);
    loop {
        let accepted = tokio::select! {
            () = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, most likely: let connections close first.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(head_timeout)
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
