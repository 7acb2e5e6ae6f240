/**
 * An organization's settings for Docker Desktop (`/orgs/:org/settings`): Image Access Management
 * and Registry Access Management. Members read them; owners (and instance administrators) change
 * them. Docker Desktop enforces them on members' machines; tokenhub only stores them, and its
 * registry tokens ignore them.
 */
import { type FormEvent, useId } from 'react';
import type { OrgImageSettings } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { Check, SaveRow, settingsPath, useSettingsForm } from '../components/settings-form.tsx';
import { Link } from '../lib/router.tsx';
import { useAccount } from '../lib/session.tsx';
import { mayManageTokens, useOrganization } from './org.page.tsx';
import { RegistryAccessSection } from './org-registry-access.section.tsx';

function ImageAccessSection({ org, owner }: { org: string; owner: boolean }) {
  const id = useId();
  const settings = useSettingsForm<OrgImageSettings>(settingsPath(org));
  const images = settings.form?.restricted_images;
  const set = (change: Partial<OrgImageSettings['restricted_images']>) =>
    images && settings.edit({ restricted_images: { ...images, ...change } });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (images) void settings.save({ restricted_images: images }, ['restricted_images']);
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Image Access Management</h2>
      <p className="hint">
        When it is on, members signed in to Docker Desktop may pull from Docker Hub only {org}’s own images
        and the kinds allowed below. Docker Desktop enforces it; tokenhub only stores it.
      </p>
      {settings.load.status === 'error' ? <ErrorAlert message={settings.load.error} /> : null}
      {!images && settings.load.status === 'loading' ? <p role="status">Loading…</p> : null}
      {images ? (
        <form className="form" onSubmit={submit} noValidate>
          {settings.error ? <ErrorAlert message={settings.error} /> : null}
          <Check
            id={`${id}-enabled`}
            checked={images.enabled}
            disabled={!owner}
            onChecked={(enabled) => set({ enabled })}
          >
            Restrict the images members may pull
          </Check>
          <Check
            id={`${id}-official`}
            checked={images.allow_official_images}
            disabled={!owner}
            onChecked={(allow_official_images) => set({ allow_official_images })}
          >
            Allow Docker Official Images
            <span className="hint"> Curated images such as ubuntu or nginx.</span>
          </Check>
          <Check
            id={`${id}-verified`}
            checked={images.allow_verified_publishers}
            disabled={!owner}
            onChecked={(allow_verified_publishers) => set({ allow_verified_publishers })}
          >
            Allow Docker Verified Publisher images
            <span className="hint"> Images of publishers Docker has verified.</span>
          </Check>
          {settings.problems.restricted_images ? (
            <p className="field-error">{settings.problems.restricted_images}</p>
          ) : null}
          <SaveRow
            owner={owner}
            busy={settings.busy}
            saved={settings.saved ? 'Image access settings saved.' : undefined}
          />
        </form>
      ) : null}
    </section>
  );
}

export function OrgSettingsPage({ org: name }: { org: string }) {
  const account = useAccount();
  const [orgLoad] = useOrganization(name);
  const owner = orgLoad.data ? mayManageTokens(orgLoad.data, account.is_admin) : false;
  return (
    <section className="page" aria-labelledby="org-settings-title">
      <p className="eyebrow">
        <Link to={`/orgs/${encodeURIComponent(name)}`}>{name}</Link>
      </p>
      <h1 id="org-settings-title">Organization settings</h1>
      <p className="hint">
        What Docker Desktop lets {name}’s members do when they sign in to it. Docker Desktop reads these
        settings and enforces them on each member’s machine; tokenhub stores them and does not apply them to
        its registry tokens.
      </p>
      {orgLoad.status === 'error' ? <ErrorAlert message={orgLoad.error} /> : null}
      {orgLoad.data && !owner ? (
        <p className="muted">
          Only owners of {name} change these settings; you see them as Docker Desktop reads them.
        </p>
      ) : null}
      <ImageAccessSection org={name} owner={owner} />
      <RegistryAccessSection org={name} owner={owner} />
    </section>
  );
}
