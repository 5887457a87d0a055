;; A function table with call_indirect (dispatch by index), an elem segment, a type check,
;; and br_table as a switch statement.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  (type $binop (func (param i32 i32) (result i32)))

  (table 8 funcref)
  (elem (i32.const 0) $add $sub $mul $div $max)

  (data (i32.const 128) "+-*/M")             ;; operator symbols, one per table slot
  (data (i32.const 136) "\n")
  (data (i32.const 137) " = ")
  (data (i32.const 140) "zero one two many") ;; br_table names: 0..4, 4..7, 8..11, 12..17
  (data (i32.const 160) "count ")

  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))
  (func $div (type $binop) (i32.div_s (local.get 0) (local.get 1)))
  (func $max (type $binop)
    (select (local.get 0) (local.get 1) (i32.gt_s (local.get 0) (local.get 1))))

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $print_i32 (param $n i32)
    (local $p i32) (local $neg i32)
    (local.set $neg (i32.lt_s (local.get $n) (i32.const 0)))
    (if (local.get $neg) (then (local.set $n (i32.sub (i32.const 0) (local.get $n)))))
    (local.set $p (i32.const 64))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (if (local.get $neg)
      (then
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p) (i32.const 45))))
    (call $print (local.get $p) (i32.sub (i32.const 64) (local.get $p))))

  ;; "a OP b = result" for table slot $op
  (func $apply (param $op i32) (param $a i32) (param $b i32)
    (call $print_i32 (local.get $a))
    (call $print (i32.add (i32.const 128) (local.get $op)) (i32.const 1))
    (call $print_i32 (local.get $b))
    (call $print (i32.const 137) (i32.const 3))
    (call $print_i32
      (call_indirect (type $binop) (local.get $a) (local.get $b) (local.get $op)))
    (call $print (i32.const 136) (i32.const 1)))

  ;; switch on n: 0 -> zero, 1 -> one, 2 -> two, anything else -> many
  (func $name (param $n i32)
    (call $print (i32.const 160) (i32.const 6))
    (call $print_i32 (local.get $n))
    (call $print (i32.const 137) (i32.const 3))
    (block $many
      (block $two
        (block $one
          (block $zero
            (br_table $zero $one $two $many (local.get $n)))
          (call $print (i32.const 140) (i32.const 4))
          (br $many))
        (call $print (i32.const 145) (i32.const 3))
        (call $print (i32.const 136) (i32.const 1))
        (return))
      (call $print (i32.const 149) (i32.const 3))
      (call $print (i32.const 136) (i32.const 1))
      (return))
    ;; reached for 0 (after printing "zero") and for the default case
    (if (i32.gt_u (local.get $n) (i32.const 2))
      (then (call $print (i32.const 153) (i32.const 4))))
    (call $print (i32.const 136) (i32.const 1)))

  (func (export "_start")
    (local $op i32)
    (loop $ops
      (call $apply (local.get $op) (i32.const 84) (i32.const -12))
      (local.set $op (i32.add (local.get $op) (i32.const 1)))
      (br_if $ops (i32.lt_u (local.get $op) (i32.const 5))))
    (call $name (i32.const 0))
    (call $name (i32.const 1))
    (call $name (i32.const 2))
    (call $name (i32.const 3))
    (call $name (i32.const 1000))))
