/** The parts of the REST API's answers the panel reads (see docs/openapi.json). */

export interface IVersion {
  version: string;
  api: string;
}

export interface IHealth {
  status: 'ok' | 'degraded';
  sandbox: boolean;
  aws: 'sandbox' | 'aws' | 'unconfigured';
  /** The server's configured region (the default of every route). */
  region?: string | null;
  problems: string[];
}

export interface ITemplateSummary {
  slug: string;
  name: string;
  category: string | null;
  description: string;
  warnings?: string[];
}

export interface ITemplateList {
  templates: ITemplateSummary[];
  errors?: string[];
}

export interface ITierAttempt {
  tier: string;
  region: string;
  outcome: string;
  reason: string;
  ami_id?: string | null;
}

export interface IResolution {
  template: string;
  region: string;
  ami_id: string | null;
  resolution_method: string;
  /** The answer is the image pinned in the server's lock file (cws.lock). */
  pinned?: boolean;
  source_region?: string | null;
  copy_required?: boolean;
  fallback_chain: ITierAttempt[];
  warning?: string | null;
  warnings: string[];
  instance_type?: string | null;
  estimated_cost?: number | null;
  estimated_launch_time?: number;
  cost_comparison?: {
    recommendation?: string;
    hourly_price?: number | null;
  } | null;
}

export interface IJobAccepted {
  job_id: string;
  status: string;
  url: string;
}

export interface IJobProgress {
  done: number;
  total: number;
  step?: string | null;
  message: string;
}

export interface IJobStatus {
  job_id: string;
  kind: string;
  status: 'running' | 'succeeded' | 'failed' | 'interrupted' | 'abandoned';
  progress: IJobProgress;
  params?: Record<string, unknown>;
  error?: { error: string; message: string; field?: string | null } | null;
}

export interface IJobList {
  jobs: IJobStatus[];
}

export interface IInstance {
  name: string;
  id: string | null;
  template: string;
  region: string;
  state: string;
  instance_type: string;
  hourly_price?: number | null;
  public_ip?: string | null;
}

export interface IInstanceList {
  instances: IInstance[];
  notes?: string[];
}

export interface ICommunityAmi {
  ami_id: string;
  name: string;
  template: string;
  creator: string;
  description?: string;
  rating: number | null;
  rating_count: number;
  download_count: number;
  regions: string[];
  verified: boolean;
  verification?: string | null;
}

export interface ICommunityPage {
  items: ICommunityAmi[];
  page: number;
  per_page: number;
  total: number;
}

export interface IReview {
  user: string;
  rating: number;
  review: string | null;
  created_at: string;
}

export interface ICommunityDetails extends ICommunityAmi {
  reviews: IReview[];
  review_total?: number;
}

export interface IRateResult {
  ami_id: string;
  rating: number;
  replaced: boolean;
  average: number;
  rating_count: number;
}
