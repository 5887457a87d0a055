;; Recursive fib(20) and an iterative Fibonacci sequence, printed in decimal.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  (data (i32.const 128) "fib(20) = ")   ;; 10 bytes
  (data (i32.const 140) "\n")
  (data (i32.const 141) ", ")
  (data (i32.const 144) "fib(25) = ")   ;; 10 bytes

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $print_u32 (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 64))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (call $print (local.get $p) (i32.sub (i32.const 64) (local.get $p))))

  ;; Naive doubly-recursive definition (21891 calls for n = 20).
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  (func (export "_start")
    (local $a i32) (local $b i32) (local $t i32) (local $i i32)
    (call $print (i32.const 128) (i32.const 10))
    (call $print_u32 (call $fib (i32.const 20)))
    (call $print (i32.const 140) (i32.const 1))
    (call $print (i32.const 144) (i32.const 10))
    (call $print_u32 (call $fib (i32.const 25)))
    (call $print (i32.const 140) (i32.const 1))
    ;; iterative: the first 30 numbers, comma separated
    (local.set $b (i32.const 1))
    (loop $seq
      (call $print_u32 (local.get $a))
      (local.set $t (i32.add (local.get $a) (local.get $b)))
      (local.set $a (local.get $b))
      (local.set $b (local.get $t))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.lt_u (local.get $i) (i32.const 30))
        (then
          (call $print (i32.const 141) (i32.const 2))
          (br $seq))))
    (call $print (i32.const 140) (i32.const 1))))
