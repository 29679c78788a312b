// Run it (from the repository root):
//   cargo build -q -p http-hello --target wasm32-wasip2 && cargo run -q --release -p http-host
use hyper::server::conn::http1;
use hyper::service::service_fn;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store};

type Result<T, E = wasmtime::Error> = std::result::Result<T, E>;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::{
    Error, RequestOptions, WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks,
    WasiHttpView,
};

const COMPONENT: &str = "target/wasm32-wasip2/debug/http-hello.wasm";

// ANCHOR: state
/// What each request's store holds: WASI, wasi:http, the table of their resources,
/// and this host's answer to outgoing requests.
struct RequestState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: NoOutgoingRequests,
}

impl WasiView for RequestState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for RequestState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// The component may answer requests, not make them: `wasi:http/outgoing-handler`
/// is a capability too. It stays linked, and every request the component makes is
/// denied.
struct NoOutgoingRequests;

type Sent = (
    http::Response<WasiBody>,
    Box<dyn Future<Output = Result<(), Error>> + Send>,
);

impl WasiHttpHooks for NoOutgoingRequests {
    fn send_request(
        &mut self,
        _request: http::Request<WasiBody>,
        _options: Option<RequestOptions>,
        _done: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<dyn Future<Output = Result<Sent, Error>> + Send> {
        Box::new(async { Err(Error::HttpRequestDenied) })
    }
}
// ANCHOR_END: state

// ANCHOR: handle
/// One request: a fresh instance in a fresh store, whose `incoming-handler.handle`
/// answers it.
async fn handle(
    pre: ProxyPre<RequestState>,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<HyperOutgoingBody>> {
    let mut store = Store::new(
        pre.engine(),
        RequestState {
            wasi: WasiCtx::builder().inherit_stdio().build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            hooks: NoOutgoingRequests,
        },
    );
    let req = store
        .data_mut()
        .http()
        .new_incoming_request(Scheme::Http, req)?;
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let out = store.data_mut().http().new_response_outparam(sender)?;
    let task = tokio::task::spawn(async move {
        let proxy = pre.instantiate_async(&mut store).await?;
        proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut store, req, out)
            .await
    });
    // The guest sets the response before it streams the body, so on success `task`
    // is left running to finish the body; an error it hits after that is not
    // reported here.
    match receiver.await {
        Ok(response) => Ok(response?),
        // The guest returned without setting a response: say why.
        Err(_) => Err(task.await?.err().unwrap_or_else(|| {
            wasmtime::format_err!("the component set no response")
        })),
    }
}
// ANCHOR_END: handle

fn main() -> Result<()> {
    // One thread is enough for one request (and tokio's `macros` feature is not
    // needed).
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(serve_one_request())
}

async fn serve_one_request() -> Result<()> {
    let engine = Engine::default();
    let component = Component::from_file(&engine, COMPONENT)?;
    let mut linker = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    let pre = ProxyPre::new(linker.instantiate_pre(&component)?)?;

    // ANCHOR: serve
    // Loopback only, on a port the system picks; one connection, then the program
    // ends.
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let (conn, _) = listener.accept().await?;
        let service = service_fn(move |req| handle(pre.clone(), req));
        http1::Builder::new()
            .serve_connection(TokioIo::new(conn), service)
            .await?;
        Result::<()>::Ok(())
    });

    // The client: one request, written by hand. HTTP/1.0, so the reply's body is
    // sent as is (not in chunks) and the connection closes after it.
    let mut client = TcpStream::connect(addr).await?;
    let request = "GET /hello HTTP/1.0\r\nHost: localhost\r\n\r\n";
    client.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        client.read_to_string(&mut response),
    )
    .await??;
    // ANCHOR_END: serve
    // The status line and the body; the headers carry a date, which changes on
    // every run.
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    println!("{}", head.lines().next().unwrap_or(""));
    print!("{body}");
    server.await??;
    Ok(())
}
