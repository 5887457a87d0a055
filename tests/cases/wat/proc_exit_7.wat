;; proc_exit(7): output written before the call is kept, nothing after it runs, exit status 7.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit"
    (func $proc_exit (param i32)))
  (memory (export "memory") 1)

  (data (i32.const 64) "about to call proc_exit(7)\n")  ;; 27 bytes
  (data (i32.const 96) "not reached\n")                 ;; 12 bytes

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $finish (param $code i32)
    (call $proc_exit (local.get $code))
    (call $print (i32.const 96) (i32.const 12)))

  (func (export "_start")
    (call $print (i32.const 64) (i32.const 27))
    (call $finish (i32.const 7))
    (call $print (i32.const 96) (i32.const 12))))
