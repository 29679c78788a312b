// Built by: cargo build -q -p http-hello --target wasm32-wasip2 (run by the http-host listing)
// ANCHOR: all
use wstd::http::{Body, Error, Request, Response};

// Not a `main` that runs once: the macro exports `wasi:http/incoming-handler`, and
// the host calls this function for each request.
#[wstd::http_server]
async fn main(request: Request<Body>) -> Result<Response<Body>, Error> {
    let reply = format!(
        "Hello from a wasi:http component: {} {}\n",
        request.method(),
        request.uri().path()
    );
    Ok(Response::new(reply.into()))
}
// ANCHOR_END: all
