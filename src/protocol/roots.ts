export interface Root {
  uri: string;
  name?: string;
}

export interface ListRootsResult {
  roots: Root[];
  [key: string]: unknown;
}

export const RootsMethod = { List: 'roots/list', ListChanged: 'notifications/roots/list_changed' } as const;
