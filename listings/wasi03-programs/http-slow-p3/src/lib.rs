// Serve it:
//   cargo build -q -p http-slow-p3 --target wasm32-wasip2 && \
//     wasmtime serve -S cli --idle-instance-timeout 30s --addr 127.0.0.1:8780 \
//     target/wasm32-wasip2/debug/http_slow_p3.wasm
// ANCHOR: all
use std::sync::atomic::{AtomicU32, Ordering};

use wasip3::clocks::monotonic_clock;
use wasip3::http::types::{ErrorCode, Fields, Request, Response};
use wasip3::{wit_bindgen, wit_future, wit_stream};

wasip3::http::service::export!(Counter);

static SERVED: AtomicU32 = AtomicU32::new(0);

pub struct Counter;

impl wasip3::exports::http::handler::Guest for Counter {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        let n = SERVED.fetch_add(1, Ordering::Relaxed) + 1;
        let slow = request.get_path_with_query().as_deref() == Some("/slow");
        if slow {
            // Awaiting gives the instance back: other requests go on meanwhile.
            monotonic_clock::wait_for(2_000_000_000).await;
        }
        let path = if slow { "/slow, after 2 s" } else { "/" };
        let body = format!("request {n} of this instance ({path})\n");

        let (mut body_writer, body_reader) = wit_stream::new();
        let (trailers_writer, trailers_reader) = wit_future::new(|| Ok(None));
        drop(trailers_writer);
        let (response, _sent) =
            Response::new(Fields::new(), Some(body_reader), trailers_reader);
        wit_bindgen::spawn(async move {
            body_writer.write_all(body.into_bytes()).await;
        });
        Ok(response)
    }
}
// ANCHOR_END: all
