;; kiln: compare=stdout,exit
;; Integer division by zero traps (it does not produce a value): exit status 1, stdout kept.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  (data (i32.const 64) "dividing 10 by 2, 1, 0\n")  ;; 23 bytes
  (data (i32.const 96) "X")

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func (export "_start")
    (local $d i32)
    (call $print (i32.const 64) (i32.const 23))
    (local.set $d (i32.const 2))
    (loop $again
      ;; prints one 'X' per successful division
      (drop (i32.div_s (i32.const 10) (local.get $d)))
      (call $print (i32.const 96) (i32.const 1))
      (local.set $d (i32.sub (local.get $d) (i32.const 1)))
      (br $again))))
