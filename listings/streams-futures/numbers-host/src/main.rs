// Run it (from the repository root):
//   cargo build -q -p numbers-component --target wasm32-wasip2 && cargo run -q --release -p numbers-host
// ANCHOR: all
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::oneshot;
use wasmtime::component::{
    Component, Linker, ResourceTable, Source, StreamConsumer, StreamResult,
};
use wasmtime::{Engine, StoreContextMut};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

wasmtime::component::bindgen!({
    world: "numbers",
    path: "../numbers-component/wit",
});

struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

// ANCHOR: consumer
/// The host's end of the stream: Wasmtime calls `poll_consume` each time the
/// guest writes, and the guest's write completes only as items are taken.
struct Reader {
    /// How many items to take per call: the room in the host's buffer.
    batch: usize,
    /// After how many items to stop reading, if ever.
    limit: Option<usize>,
    taken: usize,
    /// Tells `main` that the stream is over (sent when this is dropped).
    done: Option<oneshot::Sender<usize>>,
}

impl<D> StreamConsumer<D> for Reader {
    type Item = u32;

    fn poll_consume(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        store: StoreContextMut<'_, D>,
        mut source: Source<'_, u32>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        // Room for `batch` items, or fewer if the limit is closer.
        let room = match self.limit {
            Some(limit) => self.batch.min(limit - self.taken),
            None => self.batch,
        };
        let mut items = Vec::with_capacity(room);
        source.read(store, &mut items)?;
        println!("[host] read {items:?}");
        self.taken += items.len();
        if self.limit.is_some_and(|limit| self.taken >= limit) {
            println!("[host] that is enough");
            // No more: the guest's pending write ends and returns the rest.
            return Poll::Ready(Ok(StreamResult::Dropped));
        }
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        if let Some(done) = self.done.take() {
            let _ = done.send(self.taken);
        }
    }
}
// ANCHOR_END: consumer

#[tokio::main(flavor = "current_thread")]
async fn main() -> wasmtime::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or("target/wasm32-wasip2/debug/numbers_component.wasm".into());
    let engine = Engine::default();
    let component = Component::from_file(&engine, &path)?;
    let mut linker = Linker::<HostState>::new(&engine);
    // The guest's `println!` goes through WASI 0.2's standard output.
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;

    // ANCHOR: calls
    // 10 numbers, 4 per write, read 3 at a time: all of them, then the first 5.
    for (limit, label) in [(None, "all of them"), (Some(5), "the first 5")] {
        println!("-- {label}");
        let state = HostState {
            wasi: WasiCtx::builder().inherit_stdout().build(),
            table: ResourceTable::new(),
        };
        let mut store = wasmtime::Store::new(&engine, state);
        let numbers =
            Numbers::instantiate_async(&mut store, &component, &linker).await?;
        let taken = store
            .run_concurrent(async |accessor| {
                let counter = numbers.book_numbers_counter();
                let stream = counter.call_count(accessor, 10, 4).await?;
                let (done, finished) = oneshot::channel();
                let reader = Reader {
                    batch: 3,
                    limit,
                    taken: 0,
                    done: Some(done),
                };
                accessor.with(|store| stream.pipe(store, reader))?;
                wasmtime::Result::<usize>::Ok(finished.await?)
            })
            .await??;
        println!("[host] {taken} numbers in all");
    }
    // ANCHOR_END: calls
    Ok(())
}
// ANCHOR_END: all
