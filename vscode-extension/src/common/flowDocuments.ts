/**
 * Which documents wake the extension up. The server starts only for a Python document
 * that mentions `FlowSpec` (or `json_function`): a cheap textual test, on purpose — the TypeScript side holds
 * no Metaflow knowledge, and the server decides what the flows really are.
 */

/** The parts of vscode.TextDocument this module reads. */
export interface DocumentLike {
  languageId: string;
  uri: { scheme: string };
  getText(): string;
}

export const FLOW_DOCUMENT_SCHEMES: readonly string[] = ['file', 'untitled'];

export function mentionsFlowSpec(text: string): boolean {
  return /\bFlowSpec\b/.test(text);
}

/** `@json_function` (a Metaflow function, "Deploy as function"), also as `metaflow.json_function`. */
export function mentionsJsonFunction(text: string): boolean {
  return /\bjson_function\b/.test(text);
}

/**
 * A document the language server is worth starting for: a flow document, or one that
 * defines a Metaflow function (its code lens deploys it).
 */
export function startsServer(document: DocumentLike): boolean {
  return (
    isFlowDocument(document) ||
    (document.languageId === 'python' && FLOW_DOCUMENT_SCHEMES.includes(document.uri.scheme) && mentionsJsonFunction(document.getText()))
  );
}

/** A Python file or untitled buffer whose text mentions FlowSpec. */
export function isFlowDocument(document: DocumentLike): boolean {
  return (
    document.languageId === 'python' &&
    FLOW_DOCUMENT_SCHEMES.includes(document.uri.scheme) &&
    mentionsFlowSpec(document.getText())
  );
}
