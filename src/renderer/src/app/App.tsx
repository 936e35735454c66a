export function App() {
  return (
    <main>
      <h1>Warmline</h1>
    </main>
  )
}
