// Built by: cargo build -q -p http-count --target wasm32-wasip2
// Served by: wasmtime serve -S cli --addr 127.0.0.1:8780 target/wasm32-wasip2/debug/http-count.wasm
// ANCHOR: all
use std::sync::atomic::{AtomicU32, Ordering};

use wstd::http::{Body, Error, Request, Response};

/// Requests this instance has served.
static SERVED: AtomicU32 = AtomicU32::new(0);

#[wstd::http_server]
async fn main(_request: Request<Body>) -> Result<Response<Body>, Error> {
    let served = SERVED.fetch_add(1, Ordering::Relaxed) + 1;
    Ok(Response::new(
        format!("request {served} of this instance\n").into(),
    ))
}
// ANCHOR_END: all
