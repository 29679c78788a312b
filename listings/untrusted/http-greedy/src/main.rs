// Built by: cargo build -q -p http-greedy --target wasm32-wasip2
// Served by: wasmtime serve -S cli -W timeout=500ms,max-memory-size=16777216,trap-on-grow-failure=y target/wasm32-wasip2/debug/http-greedy.wasm
// ANCHOR: all
use std::hint::black_box;
use wstd::http::{Body, Error, Request, Response, StatusCode};

#[wstd::http_server]
async fn main(request: Request<Body>) -> Result<Response<Body>, Error> {
    match request.uri().path() {
        // Sums 0..100,000, and answers.
        "/work" => {
            let sum: u64 = (0..100_000).map(black_box).sum();
            Ok(Response::new(format!("sum = {sum}\n").into()))
        }
        // Never answers.
        "/spin" => loop {
            black_box(());
        },
        // Keeps reserving 1 MiB blocks, and never frees them.
        "/hoard" => {
            let mut kept = Vec::new();
            loop {
                kept.push(black_box(Vec::<u8>::with_capacity(1 << 20)));
            }
        }
        _ => Ok(Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body("no such page\n".into())?),
    }
}
// ANCHOR_END: all
