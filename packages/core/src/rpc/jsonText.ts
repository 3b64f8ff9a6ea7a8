/**
 * A result serialized already, elsewhere: a trace rendered and stringified on a read worker crosses to the main
 * thread as one string (a copy, not a rebuilt object graph) and the dispatcher splices its text into the response as
 * is, so a large trace costs the sealing thread neither a structured-clone decode nor a `JSON.stringify`.
 */
export class JsonText {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}
