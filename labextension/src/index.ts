import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { CwsApi } from './api';
import { cwsIcon } from './icon';
import { CwsPanel } from './panel';

/** Command ids. */
export namespace CommandIDs {
  export const open = 'cws-jupyter:open-panel';
  export const resolve = 'cws-jupyter:resolve-ami';
}

const PLUGIN_ID = 'cws-jupyter-labextension:plugin';
const CATEGORY = 'CloudWorkstation';

/** The CloudWorkstation side panel, its commands, palette and launcher items. */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'CloudWorkstation side panel: resolve, launch and share research workstation AMIs.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ICommandPalette, ILauncher, ISettingRegistry, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null
  ) => {
    const panel = new CwsPanel(new CwsApi(app.serviceManager.serverSettings));
    panel.title.icon = cwsIcon;
    panel.title.caption = 'CloudWorkstation';
    shell.add(panel, 'left', { rank: 600 });
    if (restorer) {
      restorer.add(panel, 'cws-jupyter-panel');
    }

    app.commands.addCommand(CommandIDs.open, {
      label: 'Open CloudWorkstation panel',
      caption: 'Show the CloudWorkstation side panel',
      icon: cwsIcon,
      execute: () => {
        shell.activateById(panel.id);
      }
    });
    app.commands.addCommand(CommandIDs.resolve, {
      label: 'Resolve an AMI',
      caption: 'Find the best AMI for a workstation template in a region',
      icon: cwsIcon,
      execute: async () => {
        shell.activateById(panel.id);
        await panel.start();
        panel.focusSearch();
      }
    });
    for (const command of [CommandIDs.open, CommandIDs.resolve]) {
      palette?.addItem({ command, category: CATEGORY });
    }
    if (launcher) {
      launcher.add({
        command: CommandIDs.resolve,
        category: 'Other',
        rank: 50
      });
      launcher.add({ command: CommandIDs.open, category: 'Other', rank: 51 });
    }

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () =>
            panel.configure({
              defaultRegion: String(
                settings.get('defaultRegion').composite ?? ''
              ),
              showSandboxIndicator:
                settings.get('showSandboxIndicator').composite !== false
            });
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.error('cws-jupyter: failed to load settings.', reason);
        });
    }
  }
};

export default plugin;
