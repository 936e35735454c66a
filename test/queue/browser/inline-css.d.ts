/** Vite's `?inline` import: a stylesheet's text. */
declare module '*.css?inline' {
  const css: string
  export default css
}
