/**
 * Tags in Docker Hub's shape (Docker's `tag` and `image` schemas), read from the registry
 * (docs/repositories.md). Where Docker's document and its clients differ, the clients win:
 * `images` is an array and `v2` a boolean, as hub-tool and the Terraform provider decode them.
 * tokenhub has no numeric ids for tags, repositories and users: those fields read 0.
 */
import { type Static, Type } from 'typebox';
import { pageOf, paginationQuery } from './common.contract.ts';

const activity = Type.Union([Type.Literal('active'), Type.Literal('inactive')], {
  description: 'active: pushed or pulled within 30 days (or nothing reported about it).',
});
const when = (description: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description });
const zero = Type.Integer({ description: 'Always 0: tokenhub has no numeric id for it.' });

export const tagImageObject = Type.Object({
  architecture: Type.String(),
  features: Type.String(),
  variant: Type.String(),
  digest: Type.String(),
  layers: Type.Array(
    Type.Object({ digest: Type.String(), size: Type.Integer(), instruction: Type.String() }),
  ),
  os: Type.String(),
  os_features: Type.String(),
  os_version: Type.String(),
  size: Type.Integer({ description: 'Compressed size: the sum of its layers.' }),
  status: activity,
  last_pulled: when('The last pull the registry reported; null without notifications.'),
  last_pushed: when('The last push the registry reported; null without notifications.'),
});

export const tagObject = Type.Object({
  id: zero,
  images: Type.Array(tagImageObject),
  creator: zero,
  last_updated: when('When the tag was last pushed, as reported; null without notifications.'),
  last_updater: zero,
  last_updater_username: Type.String({ description: 'Who pushed it last, as reported; "" when unknown.' }),
  name: Type.String(),
  repository: zero,
  full_size: Type.Integer({ description: 'The sum of its images’ sizes.' }),
  v2: Type.Boolean(),
  status: activity,
  tag_status: activity,
  tag_last_pulled: when('The last pull of the tag, as reported.'),
  tag_last_pushed: when('The last push of the tag, as reported.'),
  media_type: Type.String(),
  content_type: Type.String(),
  digest: Type.String(),
});
export type TagObject = Static<typeof tagObject>;
export const tagPage = pageOf(tagObject);

export const tagParams = Type.Object({
  ns: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.String({ minLength: 1, maxLength: 255 }),
  tag: Type.String({ minLength: 1, maxLength: 128 }),
});

export const tagOrderings = ['name', '-name', 'last_updated', '-last_updated'] as const;
export type TagOrdering = (typeof tagOrderings)[number];

export const tagListQuery = Type.Object({
  ...paginationQuery.properties,
  ordering: Type.Optional(
    Type.Union(
      tagOrderings.map((ordering) => Type.Literal(ordering)),
      {
        description: 'By name (the default) or by last push (from notifications; tags never reported last).',
      },
    ),
  ),
});
