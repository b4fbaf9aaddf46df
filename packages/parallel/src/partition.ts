/**
 * Splits `[0, count)` into at most `parts` contiguous, nearly equal ranges, with inner
 * boundaries on multiples of `align` (so SIMD code sees whole vectors).
 */
export function partition(count: number, parts: number, align = 1): Array<[number, number]> {
  const n = Math.max(1, Math.min(parts, Math.ceil(count / align)));
  const cut = (i: number) => (i === n ? count : Math.min(count, Math.round((i * count) / n / align) * align));
  return Array.from({ length: n }, (_, i) => [cut(i), cut(i + 1)] as [number, number]).filter(
    ([a, b]) => b > a,
  );
}
