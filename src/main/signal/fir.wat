;; Polyphase FIR of resample.ts (scipy.signal.resample_poly), f32x4 SIMD; and the import's fused
;; int16 decode and limb-lead test (canonical-frames.ts), which leave their results in the same memory.
;;
;; fir-wasm.ts lays out memory: the zero-padded input stretch xp (f32, whole-signal samples lo,
;; lo+1, ...), a phase table of (byte address, length) i32 pairs, each phase's taps (f32) stored in
;; reverse (so output k = sum_i g[i] * xp[nHi(k) - len + 1 + i - lo] is one contiguous dot
;; product), and the outputs (f64). f32 lanes: twice the products of f64x2 per instruction, and
;; over up to ~400 taps the sums stay within 3e-7 of the signal RMS of the f64 JS path (tested to
;; 1e-6), below what the canonical store's float32 keeps of an ECG anyway.
(module
  (memory (export "memory") 1)

  ;; Four outputs sharing one phase: taps at $t (len of them), inputs at $a + q*$d bytes, results
  ;; (f64, times $scale) to $o + q*$os bytes, q = 0..3. Each tap quad is loaded once for four products.
  (func $four (param $t i32) (param $len i32) (param $a i32) (param $d i32) (param $o i32) (param $os i32) (param $scale f64)
    (local $end i32) (local $g v128) (local $h f32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $r0 f32) (local $r1 f32) (local $r2 f32) (local $r3 f32)
    (local.set $a1 (i32.add (local.get $a) (local.get $d)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $d)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $d)))
    ;; Eight taps a turn (two quads: fewer pointer updates per product), then a last quad.
    (local.set $end (i32.add (local.get $t) (i32.shl (i32.and (local.get $len) (i32.const -8)) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $t) (local.get $end)))
      (loop $octs
        (local.set $g (v128.load (local.get $t)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a)))))
        (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a1)))))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a2)))))
        (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a3)))))
        (local.set $g (v128.load offset=16 (local.get $t)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $g) (v128.load offset=16 align=4 (local.get $a)))))
        (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $g) (v128.load offset=16 align=4 (local.get $a1)))))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $g) (v128.load offset=16 align=4 (local.get $a2)))))
        (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $g) (v128.load offset=16 align=4 (local.get $a3)))))
        (local.set $t (i32.add (local.get $t) (i32.const 32)))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $a1 (i32.add (local.get $a1) (i32.const 32)))
        (local.set $a2 (i32.add (local.get $a2) (i32.const 32)))
        (local.set $a3 (i32.add (local.get $a3) (i32.const 32)))
        (br_if $octs (i32.lt_u (local.get $t) (local.get $end)))))
    (if (i32.and (local.get $len) (i32.const 4))
      (then
        (local.set $g (v128.load (local.get $t)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a)))))
        (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a1)))))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a2)))))
        (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $g) (v128.load align=4 (local.get $a3)))))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $a1 (i32.add (local.get $a1) (i32.const 16)))
        (local.set $a2 (i32.add (local.get $a2) (i32.const 16)))
        (local.set $a3 (i32.add (local.get $a3) (i32.const 16)))))
    ;; The last len % 4 taps one by one (padding taps with zeros would let a NaN beyond the
    ;; support into the sum).
    (local.set $end (i32.add (local.get $t) (i32.shl (i32.and (local.get $len) (i32.const 3)) (i32.const 2))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $t) (local.get $end)))
        (local.set $h (f32.load (local.get $t)))
        (local.set $r0 (f32.add (local.get $r0) (f32.mul (local.get $h) (f32.load (local.get $a)))))
        (local.set $r1 (f32.add (local.get $r1) (f32.mul (local.get $h) (f32.load (local.get $a1)))))
        (local.set $r2 (f32.add (local.get $r2) (f32.mul (local.get $h) (f32.load (local.get $a2)))))
        (local.set $r3 (f32.add (local.get $r3) (f32.mul (local.get $h) (f32.load (local.get $a3)))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $a1 (i32.add (local.get $a1) (i32.const 4)))
        (local.set $a2 (i32.add (local.get $a2) (i32.const 4)))
        (local.set $a3 (i32.add (local.get $a3) (i32.const 4)))
        (br $tail)))
    (f64.store (local.get $o) (f64.mul (call $total (local.get $s0) (local.get $r0)) (local.get $scale)))
    (local.set $o (i32.add (local.get $o) (local.get $os)))
    (f64.store (local.get $o) (f64.mul (call $total (local.get $s1) (local.get $r1)) (local.get $scale)))
    (local.set $o (i32.add (local.get $o) (local.get $os)))
    (f64.store (local.get $o) (f64.mul (call $total (local.get $s2) (local.get $r2)) (local.get $scale)))
    (local.set $o (i32.add (local.get $o) (local.get $os)))
    (f64.store (local.get $o) (f64.mul (call $total (local.get $s3) (local.get $r3)) (local.get $scale))))

  ;; The four lanes and the tail of one output, summed pairwise, as f64.
  (func $total (param $s v128) (param $r f32) (result f64)
    (f64.promote_f32 (f32.add
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
        (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s))))
      (local.get $r))))

  ;; One output: the stragglers after the blocks of four.
  (func $one (param $t i32) (param $len i32) (param $a i32) (param $o i32) (param $scale f64)
    (local $end i32) (local $s v128) (local $r f32)
    (local.set $end (i32.add (local.get $t) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $t) (local.get $end)))
      (loop $quads
        (local.set $s (f32x4.add (local.get $s) (f32x4.mul (v128.load (local.get $t)) (v128.load align=4 (local.get $a)))))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $quads (i32.lt_u (local.get $t) (local.get $end)))))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $len) (i32.const 3)) (i32.const 2))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $t) (local.get $end)))
        (local.set $r (f32.add (local.get $r) (f32.mul (f32.load (local.get $t)) (f32.load (local.get $a)))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (br $tail)))
    (f64.store (local.get $o) (f64.mul (call $total (local.get $s) (local.get $r)) (local.get $scale))))

  ;; Outputs first..first+count-1 (times scale) to $out. $xp holds whole-signal samples from $lo on,
  ;; zero-padded to cover every output's support; $table holds per phase (taps byte address, length).
  ;; Outputs j, j+up, j+2up, ... share a phase and sit `down` input samples apart.
  ;; Sample indices travel as f64 (exact integers): (first+j)*down can pass 2^31 on long records.
  (func (export "run") (param $xp i32) (param $lo f64) (param $table i32)
    (param $up i32) (param $down i32) (param $half i32) (param $first f64) (param $count i32)
    (param $out i32) (param $scale f64)
    (local $j0 i32) (local $j i32) (local $phases i32) (local $c f64) (local $nHi f64) (local $r i32)
    (local $t i32) (local $len i32) (local $a i32) (local $o i32)
    (local $da i32) (local $da4 i32) (local $do i32) (local $do4 i32) (local $up3 i32)
    (local.set $phases (select (local.get $up) (local.get $count) (i32.lt_u (local.get $up) (local.get $count))))
    (local.set $da (i32.shl (local.get $down) (i32.const 2)))
    (local.set $da4 (i32.shl (local.get $down) (i32.const 4)))
    (local.set $do (i32.shl (local.get $up) (i32.const 3)))
    (local.set $do4 (i32.shl (local.get $up) (i32.const 5)))
    (local.set $up3 (i32.mul (local.get $up) (i32.const 3)))
    (block $phasesDone
      (br_if $phasesDone (i32.le_s (local.get $phases) (i32.const 0)))
      (loop $phase
        (local.set $c (f64.add
          (f64.mul (f64.add (local.get $first) (f64.convert_i32_u (local.get $j0))) (f64.convert_i32_u (local.get $down)))
          (f64.convert_i32_u (local.get $half))))
        (local.set $nHi (f64.floor (f64.div (local.get $c) (f64.convert_i32_u (local.get $up)))))
        (local.set $r (i32.trunc_f64_s (f64.sub (local.get $c) (f64.mul (local.get $nHi) (f64.convert_i32_u (local.get $up))))))
        (local.set $t (i32.load (i32.add (local.get $table) (i32.shl (local.get $r) (i32.const 3)))))
        (local.set $len (i32.load offset=4 (i32.add (local.get $table) (i32.shl (local.get $r) (i32.const 3)))))
        ;; First input of the dot product: nHi - len + 1, relative to lo.
        (local.set $a (i32.add (local.get $xp) (i32.shl
          (i32.trunc_f64_s (f64.sub (f64.sub (local.get $nHi) (f64.convert_i32_s (i32.sub (local.get $len) (i32.const 1)))) (local.get $lo)))
          (i32.const 2))))
        (local.set $j (local.get $j0))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j0) (i32.const 3))))
        (block $blocksDone
          (loop $blocks
            (br_if $blocksDone (i32.ge_s (i32.add (local.get $j) (local.get $up3)) (local.get $count)))
            (call $four (local.get $t) (local.get $len) (local.get $a) (local.get $da) (local.get $o) (local.get $do) (local.get $scale))
            (local.set $j (i32.add (local.get $j) (i32.shl (local.get $up) (i32.const 2))))
            (local.set $a (i32.add (local.get $a) (local.get $da4)))
            (local.set $o (i32.add (local.get $o) (local.get $do4)))
            (br $blocks)))
        (block $singlesDone
          (loop $singles
            (br_if $singlesDone (i32.ge_s (local.get $j) (local.get $count)))
            (call $one (local.get $t) (local.get $len) (local.get $a) (local.get $o) (local.get $scale))
            (local.set $j (i32.add (local.get $j) (local.get $up)))
            (local.set $a (i32.add (local.get $a) (local.get $da)))
            (local.set $o (i32.add (local.get $o) (local.get $do)))
            (br $singles)))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 1)))
        (br_if $phase (i32.lt_s (local.get $j0) (local.get $phases))))))
  ;; The import's fused path (canonical-frames.ts): channel $col of $frames little-endian int16 frames of
  ;; $stride samples at $src, converted as the readers do, x = ((d - baseline) / gain) * factor, to
  ;; $o64 (f64) and, rounded to f32 as the FIR's input, to $o32; at $res the 32-bit wrapped sum of
  ;; the digital values (the WFDB checksum) and 1 if any equals $invalid. Four frames a turn.
  (func (export "decode") (param $src i32) (param $frames i32) (param $stride i32) (param $col i32)
    (param $baseline f64) (param $gain f64) (param $factor f64) (param $invalid i32)
    (param $o64 i32) (param $o32 i32) (param $res i32)
    (local $p i32) (local $step i32) (local $i i32) (local $end i32) (local $d i32) (local $x f64)
    (local $v v128) (local $sum v128) (local $bad v128) (local $inv v128)
    (local $b v128) (local $g v128) (local $f v128) (local $lo v128) (local $hi v128)
    (local $s i32) (local $any i32)
    (local.set $p (i32.add (local.get $src) (i32.shl (local.get $col) (i32.const 1))))
    (local.set $step (i32.shl (local.get $stride) (i32.const 1)))
    (local.set $inv (i32x4.splat (local.get $invalid)))
    (local.set $b (f64x2.splat (local.get $baseline)))
    (local.set $g (f64x2.splat (local.get $gain)))
    (local.set $f (f64x2.splat (local.get $factor)))
    (local.set $end (i32.and (local.get $frames) (i32.const -4)))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (i32x4.splat (i32.load16_s (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $step)))
        (local.set $v (i32x4.replace_lane 1 (local.get $v) (i32.load16_s (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $step)))
        (local.set $v (i32x4.replace_lane 2 (local.get $v) (i32.load16_s (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $step)))
        (local.set $v (i32x4.replace_lane 3 (local.get $v) (i32.load16_s (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $step)))
        (local.set $sum (i32x4.add (local.get $sum) (local.get $v)))
        (local.set $bad (v128.or (local.get $bad) (i32x4.eq (local.get $v) (local.get $inv))))
        (local.set $lo (f64x2.mul (f64x2.div (f64x2.sub (f64x2.convert_low_i32x4_s (local.get $v)) (local.get $b)) (local.get $g)) (local.get $f)))
        (local.set $hi (f64x2.mul (f64x2.div (f64x2.sub
          (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))
          (local.get $b)) (local.get $g)) (local.get $f)))
        (v128.store align=8 (local.get $o64) (local.get $lo))
        (v128.store offset=16 align=8 (local.get $o64) (local.get $hi))
        (v128.store align=4 (local.get $o32)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))
        (local.set $o64 (i32.add (local.get $o64) (i32.const 32)))
        (local.set $o32 (i32.add (local.get $o32) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quads)))
    (local.set $s (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum)))
      (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum)))))
    (local.set $any (v128.any_true (local.get $bad)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $frames)))
        (local.set $d (i32.load16_s (local.get $p)))
        (local.set $s (i32.add (local.get $s) (local.get $d)))
        (local.set $any (i32.or (local.get $any) (i32.eq (local.get $d) (local.get $invalid))))
        (local.set $x (f64.mul (f64.div (f64.sub (f64.convert_i32_s (local.get $d)) (local.get $baseline)) (local.get $gain)) (local.get $factor)))
        (f64.store (local.get $o64) (local.get $x))
        (f32.store (local.get $o32) (f32.demote_f64 (local.get $x)))
        (local.set $p (i32.add (local.get $p) (local.get $step)))
        (local.set $o64 (i32.add (local.get $o64) (i32.const 8)))
        (local.set $o32 (i32.add (local.get $o32) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (i32.store (local.get $res) (local.get $s))
    (i32.store offset=4 (local.get $res) (local.get $any)))

  ;; limb.ts's test for one recorded limb lead: 1 when |k*x[i] - a*xI[i] - b*xII[i]| <= tol for every
  ;; i < $n (f64, the same operations in the same order as the JS), 0 at the first sample beyond.
  (func (export "within") (param $x i32) (param $xI i32) (param $xII i32) (param $n i32)
    (param $k f64) (param $a f64) (param $b f64) (param $tol f64) (result i32)
    (local $i i32) (local $end i32) (local $kv v128) (local $av v128) (local $bv v128) (local $tv v128)
    (local.set $kv (f64x2.splat (local.get $k)))
    (local.set $av (f64x2.splat (local.get $a)))
    (local.set $bv (f64x2.splat (local.get $b)))
    (local.set $tv (f64x2.splat (local.get $tol)))
    (local.set $end (i32.and (local.get $n) (i32.const -2)))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $i) (local.get $end)))
        ;; f64x2.le is false for NaN, like the JS !(d <= tol).
        (if (i32.eqz (i64x2.all_true (f64x2.le
              (f64x2.abs (f64x2.sub
                (f64x2.sub (f64x2.mul (local.get $kv) (v128.load align=8 (local.get $x))) (f64x2.mul (local.get $av) (v128.load align=8 (local.get $xI))))
                (f64x2.mul (local.get $bv) (v128.load align=8 (local.get $xII)))))
              (local.get $tv))))
          (then (return (i32.const 0))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $xI (i32.add (local.get $xI) (i32.const 16)))
        (local.set $xII (i32.add (local.get $xII) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (return (f64.le
          (f64.abs (f64.sub
            (f64.sub (f64.mul (local.get $k) (f64.load (local.get $x))) (f64.mul (local.get $a) (f64.load (local.get $xI))))
            (f64.mul (local.get $b) (f64.load (local.get $xII)))))
          (local.get $tol)))))
    (i32.const 1))
)
