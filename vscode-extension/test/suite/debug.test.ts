/**
 * "Debug step" in a real extension host, on the demo flow's real runs (scripts/demo_runs.py,
 * made by tests/e2e/extension-host.e2e.mjs): the lens above `train` starts a `metaflow`
 * session that re-executes a train task from its run's inputs under debugpy, and the
 * debugger stops at a breakpoint in the step body (which runs in the launched process
 * itself) with `self.input` holding that task's learning rate.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi, findDemoFlow, waitFor } from './helpers';

interface Stopped {
  session: vscode.DebugSession;
  threadId: number;
}

/** Resolves with the first `stopped` event any metaflow session (parent or child) sends. */
function nextStop(): { stopped: Promise<Stopped>; dispose: () => void } {
  let resolveStop: (value: Stopped) => void = () => undefined;
  const stopped = new Promise<Stopped>((resolve) => (resolveStop = resolve));
  const registration = vscode.debug.registerDebugAdapterTrackerFactory('metaflow', {
    createDebugAdapterTracker: (session) => ({
      onDidSendMessage: (message: { type?: string; event?: string; body?: { reason?: string; threadId?: number } }) => {
        if (message.type === 'event' && message.event === 'stopped' && message.body?.threadId !== undefined) {
          resolveStop({ session, threadId: message.body.threadId });
        }
      },
    }),
  });
  return { stopped, dispose: () => registration.dispose() };
}

suite('Debug step on the demo flow', () => {
  test('"Generate launch.json" adds the flow\'s entries and keeps the user\'s entries and comments', async () => {
    const demo = await findDemoFlow();
    const folder = vscode.workspace.getWorkspaceFolder(demo.uri);
    assert.ok(folder);
    const target = vscode.Uri.joinPath(folder.uri, '.vscode', 'launch.json');
    const users = '{\n  // mine: keep me\n  "version": "0.2.0",\n  "configurations": [\n    {"name": "my script", "type": "node", "request": "launch", "program": "x.js"} // and me\n  ]\n}\n';
    await vscode.workspace.fs.writeFile(target, Buffer.from(users));
    await vscode.commands.executeCommand('metaflow.generateLaunchJson', demo.uri);
    const written = Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8');
    for (const kept of ['// mine: keep me', '"name": "my script"', '// and me']) {
      assert.ok(written.includes(kept), `kept ${kept}:\n${written}`);
    }
    const names = [...written.matchAll(/"name": "([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(names, ['my script', 'TrainingFlow: debug run', ...demo.steps.map((s) => `TrainingFlow: debug step ${s}`)]);
    assert.ok(written.includes('"flowFile": "${workspaceFolder}/flows/training_flow.py"'), written);
    await vscode.commands.executeCommand('metaflow.generateLaunchJson', demo.uri);
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8'), written, 'a second run adds nothing');
    await vscode.workspace.fs.delete(target);
  });

  suiteTeardown(async () => {
    await vscode.debug.stopDebugging();
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the "Debug step" lens above train stops at a breakpoint in its body with the task\'s input', async () => {
    const api = await extensionApi();
    const demo = await findDemoFlow();
    assert.equal(demo.flow, 'TrainingFlow');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(demo.uri));
    await waitFor('the language server', () => api.serverState() === 'running', 60_000);
    const line = demo.text.split('\n').findIndex((l) => l.includes('lr, w, b = self.input'));
    assert.ok(line > 0, 'the train step body line');
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(demo.uri, new vscode.Position(line, 0)))]);

    const lens = await waitFor('a "Debug step" lens above train', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', demo.uri);
      return lenses.find((l) => l.command?.command === 'metaflow.debugStep' && l.command.arguments?.[1] === 'train');
    });
    const command = lens.command;
    assert.ok(command);
    assert.deepEqual(command.arguments, [demo.uri.toString(), 'train', 'TrainingFlow']);

    const stop = nextStop();
    try {
      const started = await vscode.commands.executeCommand<boolean>(command.command, ...(command.arguments ?? []));
      assert.equal(started, true, 'the debug session started');
      const { session, threadId } = await Promise.race([
        stop.stopped,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no stop at the breakpoint within 150 s')), 150_000)),
      ]);
      assert.equal(session.type, 'metaflow');
      assert.equal(session.parentSession, undefined, 'it stopped in the launched session: the task runs in that process');
      const trace = (await session.customRequest('stackTrace', { threadId, levels: 1 })) as {
        stackFrames: Array<{ id: number; line: number; source?: { path?: string } }>;
      };
      const [frame] = trace.stackFrames;
      assert.ok(frame);
      // a remote workbench answers with the file's vscode-remote:// URI, a local one with its path
      const framePath = frame.source?.path ?? '';
      assert.equal(framePath.includes('://') ? vscode.Uri.parse(framePath).path : framePath, demo.uri.path);
      assert.equal(frame.line, line + 1);
      const value = (await session.customRequest('evaluate', { expression: 'self.input', frameId: frame.id, context: 'repl' })) as { result: string };
      // the learning rate of the re-executed task: a grid value of one of the two runs
      assert.ok(['0.01', '0.1', '0.5', '50.0'].includes(value.result), `self.input = ${value.result}`);
      const stack = await waitFor('the active stack item', () => vscode.debug.activeStackItem);
      assert.equal(stack.session.id, session.id);
    } finally {
      stop.dispose();
      await vscode.debug.stopDebugging();
    }
  });
});
