/**
 * Which documents wake the extension up. The server starts only for a Python document
 * that mentions `FlowSpec`: a cheap textual test, on purpose — the TypeScript side holds
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

/** A Python file or untitled buffer whose text mentions FlowSpec. */
export function isFlowDocument(document: DocumentLike): boolean {
  return (
    document.languageId === 'python' &&
    FLOW_DOCUMENT_SCHEMES.includes(document.uri.scheme) &&
    mentionsFlowSpec(document.getText())
  );
}
