/**
 * The `metaflow` debug type (docs/debugging.md): the configuration provider (plan from the
 * server), the adapter factory (debugpy's adapter, or a child process's port), following
 * child processes, and the debugging commands.
 */
import * as vscode from 'vscode';
import { DebugpyAdapterFactory, followChildProcesses } from './adapter';
import { registerDebugCommands, type DebugCommandDeps } from './commands';
import { MetaflowDebugConfigurationProvider } from './configuration';
import { DEBUG_TYPE } from './protocol';

export function registerDebugging(deps: DebugCommandDeps): vscode.Disposable[] {
  return [
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new MetaflowDebugConfigurationProvider(deps.server, deps.log)),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new DebugpyAdapterFactory(deps.log)),
    followChildProcesses(deps.log, DEBUG_TYPE),
    ...registerDebugCommands(deps),
  ];
}
