/**
 * How the last change went, in live regions that are in the document from the start (so the
 * first message is heard too): a refusal as an alert, a success politely.
 */
export function Outcome({ message }: { message: { text: string; failed: boolean } | null }) {
  return (
    <>
      <p className="muted" role="status">
        {message && !message.failed ? message.text : ''}
      </p>
      <div role="alert">{message?.failed && <p className="form-errors">{message.text}</p>}</div>
    </>
  )
}
