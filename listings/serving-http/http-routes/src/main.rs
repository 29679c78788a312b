// Built by: cargo build -q -p http-routes --target wasm32-wasip2
// Served by: wasmtime serve -S cli --addr 127.0.0.1:8780 target/wasm32-wasip2/debug/http-routes.wasm
// ANCHOR: all
use wstd::http::{Body, Client, Error, Request, Response, StatusCode};

// ANCHOR: routes
#[wstd::http_server]
async fn main(request: Request<Body>) -> Result<Response<Body>, Error> {
    match (request.method().as_str(), request.uri().path()) {
        ("GET", "/hello") => Ok(Response::new("Hello!\n".into())),
        // The request's body, streamed back as the response's.
        ("POST", "/echo") => Ok(Response::new(request.into_body())),
        ("GET", "/upstream") => upstream().await,
        ("GET", "/panic") => panic!("the handler gave up"),
        _ => Ok(Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body("no such page\n".into())?),
    }
}
// ANCHOR_END: routes

// ANCHOR: upstream
/// Asks another server on this machine, and wraps its answer.
async fn upstream() -> Result<Response<Body>, Error> {
    let request = Request::get("http://127.0.0.1:8781/hello").body(Body::empty())?;
    let mut response = Client::new().send(request).await?;
    let text = response.body_mut().str_contents().await?.to_string();
    let status = response.status();
    Ok(Response::new(
        format!("upstream said ({status}): {text}").into(),
    ))
}
// ANCHOR_END: upstream
// ANCHOR_END: all
