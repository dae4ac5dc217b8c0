import { CwsApi } from './api';
import { IJobStatus, ITemplateSummary } from './types';

/** What the panel's sections share. */
export interface IPanelContext {
  api: CwsApi;
  /** The region typed in the Templates section; '' means the server's default region. */
  region(): string;
  /** The template selected in the Templates section, if any. */
  selected(): ITemplateSummary | null;
  /** Follow a job (a 202 answer) until it ends; `done` runs once it has. */
  follow(jobId: string, label: string, done?: (job: IJobStatus) => void): void;
  /** The instances changed (a launch or an action ended): reload the list. */
  instancesChanged(): void;
  /** Ask the user to confirm something destructive. */
  confirm(title: string, body: string, accept: string): Promise<boolean>;
}
