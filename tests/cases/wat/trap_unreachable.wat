;; kiln: compare=stdout,exit
;; A trap (`unreachable`) after some output: the output is kept and the exit status is 1.
;; stderr is not compared: each runtime words its trap message differently.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  (data (i32.const 64) "before the trap\n")  ;; 16 bytes
  (data (i32.const 96) "after the trap\n")   ;; 15 bytes

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $check (param $ok i32)
    (if (i32.eqz (local.get $ok)) (then unreachable)))

  (func (export "_start")
    (call $print (i32.const 64) (i32.const 16))
    (call $check (i32.const 1))
    (call $check (i32.const 0))
    (call $print (i32.const 96) (i32.const 15))))
