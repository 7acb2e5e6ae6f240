/**
 * Identity token claims as GitHub Actions and GitLab CI send them (docs/oidc.md, "Claims"), for
 * the tests' issuer. `sub` follows each platform's default template.
 */

/** GitHub Actions: `repo:<owner>/<repo>:ref:<ref>`, `…:environment:<name>` or `…:pull_request`. */
export function githubClaims(options: {
  repository: string;
  ref?: string;
  event?: 'push' | 'pull_request' | 'workflow_dispatch';
  environment?: string;
}): Record<string, unknown> {
  const ref = options.ref ?? 'refs/heads/main';
  const event = options.event ?? 'push';
  const [owner = ''] = options.repository.split('/');
  const context =
    event === 'pull_request'
      ? 'pull_request'
      : options.environment
        ? `environment:${options.environment}`
        : `ref:${ref}`;
  return {
    sub: `repo:${options.repository}:${context}`,
    repository: options.repository,
    repository_owner: owner,
    repository_visibility: 'private',
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: 'a'.repeat(40),
    workflow: 'release',
    job_workflow_ref: `${options.repository}/.github/workflows/release.yml@${ref}`,
    event_name: event,
    actor: 'octocat',
    run_id: '1234567890',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    ...(options.environment ? { environment: options.environment } : {}),
  };
}

/** GitLab CI: `project_path:<group>/<project>:ref_type:<type>:ref:<ref>`. */
export function gitlabClaims(options: {
  project: string;
  ref?: string;
  environment?: string;
  protectedRef?: boolean;
}): Record<string, unknown> {
  const ref = options.ref ?? 'main';
  const [namespace = ''] = options.project.split('/');
  return {
    sub: `project_path:${options.project}:ref_type:branch:ref:${ref}`,
    namespace_id: '72',
    namespace_path: namespace,
    project_id: '2000',
    project_path: options.project,
    user_id: '42',
    user_login: 'gitlab-user',
    pipeline_id: '9000',
    pipeline_source: 'push',
    job_id: '12345',
    ref,
    ref_type: 'branch',
    ref_path: `refs/heads/${ref}`,
    ref_protected: String(options.protectedRef ?? true),
    runner_environment: 'gitlab-hosted',
    ...(options.environment ? { environment: options.environment, environment_protected: 'true' } : {}),
  };
}
