import * as vscode from 'vscode';

/*
 * One step of a multi-step quick input with a Back button (vscode.window.showQuickPick has none):
 * each resolves to the answer, BACK when the user pressed Back, or undefined when they dismissed it.
 */

export const BACK = Symbol('back');
export type StepResult<T> = T | typeof BACK | undefined;

interface StepOptions {
  title: string;
  placeholder: string;
  /** Step 1 has nowhere to go back to. */
  back: boolean;
}

/** One item from a list; `accept` may refuse an item (it explains why itself) and keep the list open. */
export function pickStep<T extends vscode.QuickPickItem>(
  items: readonly T[],
  options: StepOptions & { active?: T; accept?: (item: T) => boolean },
): Promise<StepResult<T>> {
  const qp = vscode.window.createQuickPick<T>();
  qp.items = items;
  if (options.active) qp.activeItems = [options.active];
  return run(qp, options, (resolve) =>
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      if (item && (options.accept?.(item) ?? true)) resolve(item);
    }),
  );
}

/** Several items from a list (those `picked` start selected); at least one must be selected. */
export function pickManyStep<T extends vscode.QuickPickItem>(items: readonly T[], options: StepOptions & { picked: readonly T[] }): Promise<StepResult<T[]>> {
  const qp = vscode.window.createQuickPick<T>();
  qp.canSelectMany = true;
  qp.items = items;
  qp.selectedItems = options.picked;
  return run(qp, options, (resolve) =>
    qp.onDidAccept(() => {
      // Accepting with nothing selected does nothing: an extraction needs at least one part.
      if (qp.selectedItems.length > 0) resolve([...qp.selectedItems]);
    }),
  );
}

/** A line of text; `validate` returns the message shown under the box while the text is invalid. */
export function inputStep(options: StepOptions & { value: string; prompt: string; validate: (text: string) => string | null }): Promise<StepResult<string>> {
  const box = vscode.window.createInputBox();
  box.value = options.value;
  box.prompt = options.prompt;
  box.onDidChangeValue((t) => (box.validationMessage = options.validate(t) ?? undefined));
  return run(box, options, (resolve) =>
    box.onDidAccept(() => {
      const message = options.validate(box.value);
      if (message === null) resolve(box.value);
      else box.validationMessage = message;
    }),
  );
}

function run<R>(
  input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox,
  options: StepOptions,
  onAccept: (resolve: (value: R) => void) => vscode.Disposable,
): Promise<StepResult<R>> {
  input.title = options.title;
  input.placeholder = options.placeholder;
  input.ignoreFocusOut = true;
  input.buttons = options.back ? [vscode.QuickInputButtons.Back] : [];
  return new Promise<StepResult<R>>((resolve) => {
    let done = false;
    const finish = (value: StepResult<R>) => {
      if (done) return;
      done = true;
      for (const d of disposables) d.dispose();
      input.dispose();
      resolve(value);
    };
    const disposables = [
      onAccept((value) => finish(value)),
      input.onDidTriggerButton((b) => {
        if (b === vscode.QuickInputButtons.Back) finish(BACK);
      }),
      input.onDidHide(() => finish(undefined)),
    ];
    input.show();
  });
}
