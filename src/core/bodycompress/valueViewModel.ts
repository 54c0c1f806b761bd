// Kept free of imports: the webview type-checks it without Node's types.

/** A decoded value as the inspector shows it: Python's type, numpy's shape, the printed value. */
export interface ValueView {
  key: string;
  /** numpy dtype (`<f4`, record fields for structured arrays) or the Python type (`str`, `dict`). */
  type: string;
  /** `(2, 3)`, `3 items` for lists and dicts, '' for plain values. */
  shape: string;
  /** As Python prints it (see pyRepr.ts); '' for containers listed member by member, or with a note. */
  text: string;
  /** Why the value is not shown (`pickled object array, not decoded`), else ''. */
  note: string;
  /** Members of a dict or list (metadata tree), at most MAX_CHILDREN per level. */
  children?: ValueView[];
  /** Members left out of `children`. */
  more?: number;
}
