/**
 * The bomb of the perimeter report: aliased `document { entry { document … } } }`, far deeper than
 * any screen (100 aliases and 1,200 levels make 1.4 MB).
 */
export function bomb(aliases: number, depth: number): string {
  let inner = 'id';
  // Innermost first, so that the field right under `document` is always `entry`.
  for (let i = depth - 1; i >= 0; i--) inner = i % 2 === 0 ? `entry { ${inner} }` : `document { ${inner} }`;
  const parts = Array.from(
    { length: aliases },
    (_, i) => `a${i}: document(id: "00000000-0000-4000-8000-00000000000${i % 10}") { ${inner} }`,
  );
  return `{ ${parts.join(' ')} }`;
}
