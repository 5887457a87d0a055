;; 64-bit integer arithmetic printed with a signed i64 itoa: factorial 20, wrapping overflow,
;; signed/unsigned division and remainder, shifts and rotations, bit counts, f64 conversions.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  (data (i32.const 200) "\n")
  (data (i32.const 201) " ")

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  ;; unsigned decimal of a 64-bit value, digits end at offset 96
  (func $print_u64 (param $n i64)
    (local $p i32)
    (local.set $p (i32.const 96))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
      (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $n) (i64.const 0))))
    (call $print (local.get $p) (i32.sub (i32.const 96) (local.get $p))))

  ;; signed: print '-' then the magnitude (as unsigned, so i64::MIN works too)
  (func $print_i64 (param $n i64)
    (if (i64.lt_s (local.get $n) (i64.const 0))
      (then
        (i32.store8 (i32.const 100) (i32.const 45))
        (call $print (i32.const 100) (i32.const 1))
        (local.set $n (i64.sub (i64.const 0) (local.get $n)))))
    (call $print_u64 (local.get $n)))

  (func $sp (call $print (i32.const 201) (i32.const 1)))
  (func $nl (call $print (i32.const 200) (i32.const 1)))

  (func $factorial (param $n i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $step
        (br_if $done (i64.le_u (local.get $n) (i64.const 1)))
        (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $step)))
    (local.get $acc))

  (func (export "_start")
    ;; 20! fits, 21! wraps around
    (call $print_i64 (call $factorial (i64.const 20))) (call $sp)
    (call $print_i64 (call $factorial (i64.const 21))) (call $nl)
    ;; i64 max / min and overflow wrapping
    (call $print_i64 (i64.const 0x7fffffffffffffff)) (call $sp)
    (call $print_i64 (i64.add (i64.const 0x7fffffffffffffff) (i64.const 1))) (call $sp)
    (call $print_u64 (i64.const -1)) (call $nl)
    ;; signed vs unsigned division and remainder
    (call $print_i64 (i64.div_s (i64.const -7) (i64.const 2))) (call $sp)
    (call $print_i64 (i64.rem_s (i64.const -7) (i64.const 2))) (call $sp)
    (call $print_u64 (i64.div_u (i64.const -7) (i64.const 2))) (call $sp)
    (call $print_i64 (i64.rem_u (i64.const -7) (i64.const 10))) (call $nl)
    ;; shifts, rotations, bit counting
    (call $print_i64 (i64.shl (i64.const 1) (i64.const 40))) (call $sp)
    (call $print_i64 (i64.shr_s (i64.const -1024) (i64.const 3))) (call $sp)
    (call $print_u64 (i64.shr_u (i64.const -1024) (i64.const 60))) (call $sp)
    (call $print_u64 (i64.rotl (i64.const 0x8000000000000001) (i64.const 4))) (call $sp)
    (call $print_i64 (i64.clz (i64.const 1))) (call $sp)
    (call $print_i64 (i64.ctz (i64.const 0x100000000))) (call $sp)
    (call $print_i64 (i64.popcnt (i64.const 0xff00ff00ff))) (call $nl)
    ;; extensions and wrapping between i32 and i64
    (call $print_i64 (i64.extend_i32_s (i32.const -5))) (call $sp)
    (call $print_i64 (i64.extend_i32_u (i32.const -5))) (call $sp)
    (call $print_i64 (i64.extend_i32_s (i32.wrap_i64 (i64.const 0x1ffffffff)))) (call $sp)
    (call $print_i64 (i64.extend8_s (i64.const 0xff))) (call $nl)
    ;; floats: sqrt(2) * 1e9 truncated, a saturating conversion, a float's bit pattern
    (call $print_i64 (i64.trunc_f64_s (f64.mul (f64.sqrt (f64.const 2)) (f64.const 1e9)))) (call $sp)
    (call $print_i64 (i64.trunc_sat_f64_s (f64.const 1e300))) (call $sp)
    (call $print_u64 (i64.reinterpret_f64 (f64.const 1.5))) (call $sp)
    (call $print_i64 (i64.trunc_f64_s (f64.nearest (f64.const 2.5)))) (call $sp)
    (call $print_i64 (i64.trunc_f64_s (f64.nearest (f64.const -3.5)))) (call $nl)
    ;; comparisons produce i32 0/1
    (call $print_i64 (i64.extend_i32_u (i64.lt_s (i64.const -1) (i64.const 0)))) (call $sp)
    (call $print_i64 (i64.extend_i32_u (i64.lt_u (i64.const -1) (i64.const 0)))) (call $sp)
    (call $print_i64 (i64.extend_i32_u (i64.eqz (i64.const 0)))) (call $nl)))
