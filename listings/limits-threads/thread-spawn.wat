;; Run it: wasmtime run listings/limits-threads/thread-spawn.wat
;; The one import that a wasm32-wasip1-threads program adds to a WASI 0.1 command. (Such a
;; program also imports a shared memory, which needs core WebAssembly's threads proposal
;; switched on; this module leaves it out to show the import alone.)
;; ANCHOR: all
(module
  ;; wasi-threads: start a new thread that calls `wasi_thread_start(tid, arg)`.
  (import "wasi" "thread-spawn" (func $thread_spawn (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "wasi_thread_start") (param i32 i32))
  (func (export "_start")
    (drop (call $thread_spawn (i32.const 0)))))
;; ANCHOR_END: all
