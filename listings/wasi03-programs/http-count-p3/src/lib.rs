// Serve it:
//   cargo build -q -p http-count-p3 --target wasm32-wasip2 && \
//     wasmtime serve -S cli --idle-instance-timeout 30s --addr 127.0.0.1:8780 \
//     target/wasm32-wasip2/debug/http_count_p3.wasm
// ANCHOR: all
use std::sync::atomic::{AtomicU32, Ordering};

use wasip3::http::types::{ErrorCode, Fields, Request, Response};
use wasip3::{wit_bindgen, wit_future, wit_stream};

// Exports this type as the component's `wasi:http/handler@0.3.0`.
wasip3::http::service::export!(Counter);

/// Requests this instance has served.
static SERVED: AtomicU32 = AtomicU32::new(0);

pub struct Counter;

impl wasip3::exports::http::handler::Guest for Counter {
    async fn handle(_request: Request) -> Result<Response, ErrorCode> {
        let n = SERVED.fetch_add(1, Ordering::Relaxed) + 1;
        let body = format!("request {n} of this instance\n");

        // The body is a stream, and the trailers a future the host reads
        // once the body has ended: here none (the value a future's reader
        // gets when its writer is dropped unwritten).
        let (mut body_writer, body_reader) = wit_stream::new();
        let (trailers_writer, trailers_reader) = wit_future::new(|| Ok(None));
        drop(trailers_writer);
        let (response, _sent) =
            Response::new(Fields::new(), Some(body_reader), trailers_reader);

        // The host reads the body after `handle` has returned the response,
        // so a task writes it: it goes on after this function returns.
        wit_bindgen::spawn(async move {
            body_writer.write_all(body.into_bytes()).await;
        });
        Ok(response)
    }
}
// ANCHOR_END: all
