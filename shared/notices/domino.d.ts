/** The part of domino (turndown's HTML parser) used here; its own typings declare a module named 'domino'. */
declare module '@mixmark-io/domino' {
  export function createDocument(html?: string): { getElementById(id: string): unknown };
}
