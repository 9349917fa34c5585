// What the kernel sends the widgets, where it is shared by several of them: the custom
// messages (msg:custom) and the shape of a trait the kernel has not filled yet.
//
// These TypeScript types are the declared contract. js/types/contracts.json maps each Python
// widget to the types that read its traits and messages; tests/test_contracts.py builds every
// widget on varied data and validates each trait value and message the kernel sends against a
// JSON Schema derived from these types (scripts/contract_schema.cjs, ts-json-schema-generator).
// Interfaces are closed: a field Python sends that no type declares fails the check.

/** A Dict trait the kernel has not filled yet (traitlets' default, `{}`). */
export type Empty = Record<string, never>;

/** The widget's state as `AuditWidget.status` says it. */
export type Status = "ready" | "running" | "error";

/** The report of "Export to report cell", the reply to `{type: "export"}` (lib/export.ts). */
export interface MarkdownMessage {
  type: "markdown";
  markdown: string;
}

/** A front-end message the kernel could not handle (`AuditWidget._on_custom`). */
export interface ErrorMessage {
  type: "error";
  message: string;
}

/** A frame stored in the user's namespace (`AuditWidget.store_frame`). */
export interface StoredMessage {
  type: "stored";
  name: string;
  rows: number;
}

/** What a %reid_risk widget receives (lib/risk_view.ts reads it). */
export type RiskMessage = MarkdownMessage | ErrorMessage | StoredMessage;

/** What a %fairness widget receives: the export reply and requests it could not carry out. */
export type FairnessMessage = MarkdownMessage | ErrorMessage;
