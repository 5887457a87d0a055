;; A counting loop with a hand-written unsigned itoa: prints FizzBuzz for 1..30, then squares.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; Memory layout: [0,8) iovec, [8,12) nwritten, [32,64) itoa scratch, [128..) strings.
  (data (i32.const 128) "Fizz")        ;; 128..132
  (data (i32.const 132) "Buzz")        ;; 132..136
  (data (i32.const 136) "\n")          ;; 136
  (data (i32.const 137) " squared is ");;  137..149 (12 bytes)

  ;; write(ptr, len) to stdout
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $newline (call $print (i32.const 136) (i32.const 1)))

  ;; Decimal digits are produced right-to-left, ending at offset 64.
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

  (func (export "_start")
    (local $i i32)
    (local.set $i (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $i) (i32.const 30)))
        (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 15)))
          (then (call $print (i32.const 128) (i32.const 8)))          ;; "FizzBuzz"
          (else
            (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 3)))
              (then (call $print (i32.const 128) (i32.const 4)))      ;; "Fizz"
              (else
                (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 5)))
                  (then (call $print (i32.const 132) (i32.const 4)))  ;; "Buzz"
                  (else (call $print_u32 (local.get $i))))))))
        (call $newline)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; squares of 0, 7, 14, ..., 63 and the largest u32
    (local.set $i (i32.const 0))
    (loop $sq
      (call $print_u32 (local.get $i))
      (call $print (i32.const 137) (i32.const 12))
      (call $print_u32 (i32.mul (local.get $i) (local.get $i)))
      (call $newline)
      (local.set $i (i32.add (local.get $i) (i32.const 7)))
      (br_if $sq (i32.le_u (local.get $i) (i32.const 63))))
    (call $print_u32 (i32.const -1))
    (call $newline)))
