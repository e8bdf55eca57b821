/** `textbridge doctor`: play the app's part against an Account XML (docs/provisioning.md). */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { TEMPLATE_STYLES, type TemplateStyle } from '../main/provision.js';
import { formatReport, generatedAccountXml, runDoctor } from '../simulator/doctor.js';
import type { CommandKit } from './provision.js';

interface DoctorOpts {
  xml?: string;
  username: string;
  password: string;
  url?: string;
  to?: string;
  text?: string;
  style: TemplateStyle;
  json?: boolean;
}

export function addDoctorCommand<O extends object>(program: Command, kit: CommandKit<O>): void {
  kit
    .common(program.command('doctor'))
    .description(
      'call every web service of an Account XML as the app would, show what the phone would show, and lint it (exit 1 on any problem)',
    )
    .option('--xml <file>', 'the Account XML to check (default: the one `provision` writes)')
    .requiredOption('--username <u>', 'the account to sign in as (%account[username]%)')
    .requiredOption('--password <pw>', 'its password (%account[password]%)')
    .option(
      '--url <origin>',
      "send every request to this origin instead of the XML's (e.g. http://127.0.0.1:8080)",
    )
    .option(
      '--to <number>',
      'recipient of the test message and the number the Rate Checker is asked about (default: the account itself)',
    )
    .option('--text <text>', 'text of the test message')
    .addOption(
      new Option('--style <style>', 'template style of the generated XML (without --xml)')
        .choices([...TEMPLATE_STYLES])
        .default('json'),
    )
    .option('--json', 'print JSON')
    .action(async (o: O & DoctorOpts) => {
      let xml: string;
      if (o.xml) xml = readFileSync(o.xml, 'utf8');
      else {
        const base = kit.configFrom(o).server.publicUrl || o.url;
        if (!base)
          throw new Error('give --xml, or set server.publicUrl (or --url) for the generated Account XML');
        xml = generatedAccountXml(base, o.style);
      }
      const report = await runDoctor({
        xml,
        username: o.username,
        password: o.password,
        ...(o.url ? { url: o.url } : {}),
        ...(o.to ? { to: o.to } : {}),
        ...(o.text ? { text: o.text } : {}),
      });
      process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : formatReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
