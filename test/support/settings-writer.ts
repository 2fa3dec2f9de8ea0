// A process that changes the settings as the app and the CLI do: it waits for
// `start` (epoch ms), then denies each named tool with its own settings change,
// computed from the settings as they are at that moment.
//   node --import tsx test/support/settings-writer.ts <dir> <start> <tool>...
import { createFileSettingsStore } from '../../server/desktop/settings';
import { withSwitch } from '../../server/permissions';

const [dir, start, ...tools] = process.argv.slice(2);
if (!dir || !start) throw new Error('usage: settings-writer <dir> <start> <tool>...');
const store = createFileSettingsStore(dir);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(start) - Date.now())));
for (const tool of tools) {
  await store.update((current) => ({ toolPermissions: withSwitch(current.toolPermissions, [tool], false) }));
}
