// C0 and C1 control characters (terminal escapes among them), which fetched text must not carry
// into anything a person prints or reads.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with every control character (tabs and newlines too) replaced by a space. */
export function controlCharactersAsSpaces(text: string): string {
  return text.replace(CONTROL_CHARACTERS, ' ');
}
