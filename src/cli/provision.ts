/** `textbridge provision`: the Account XML fragment for an account (docs/provisioning.md). */
import { type Command, Option } from 'commander';
import type { Config } from '../config/index.js';
import { provisionAccountXml, TEMPLATE_STYLES, type TemplateStyle } from '../main/provision.js';

/** What program.ts shares with the commands defined beside it. */
export interface CommandKit<O> {
  /** Add `--data-dir` and `--config` to a command. */
  common: (c: Command) => Command;
  configFrom: (o: O) => Config;
}

export function addProvisionCommand<O extends object>(program: Command, kit: CommandKit<O>): void {
  kit
    .common(program.command('provision <username>'))
    .description('print the Account XML fragment that points the app at every service, for an account')
    .addOption(
      new Option('--style <style>', 'how templates carry their fields')
        .choices([...TEMPLATE_STYLES])
        .default('json'),
    )
    .action(async (username: string, o: O & { style: TemplateStyle }) => {
      process.stdout.write(await provisionAccountXml(kit.configFrom(o), username, o.style));
    });
}
