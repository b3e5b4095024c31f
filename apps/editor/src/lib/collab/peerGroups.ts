/** One client (tab) in a document, as presence reports it. */
export interface Peer {
  clientId: number;
  /** The person's id, the same in all their tabs; null from a client that announces none. */
  userId: string | null;
  name: string;
  color: string;
  isSelf: boolean;
  typing: boolean;
  /** Whether they have a caret in the document (their editor is focused). */
  hasCursor: boolean;
}

/** One person in a document, however many tabs they have open: one avatar. */
export interface Person {
  /** A stable key for lists: the person's id, else the only client's id. */
  key: string;
  name: string;
  color: string;
  /** This is the person using this tab (possibly with other tabs too). */
  isSelf: boolean;
  typing: boolean;
  /** The client the avatar stands for: this tab for oneself, else one with a caret if any has one (to follow). */
  clientId: number;
  /** Every client of this person, this tab first. */
  clientIds: number[];
}

/**
 * Groups clients by person: the same id means the same person (their other tabs), and
 * a client without an id is a person of its own. The name and colour shown are those of
 * this tab for oneself, else of the client with a caret (the one last active); order is
 * kept from `peers`, so a person stays where their first client was.
 */
export function groupPeers(peers: readonly Peer[]): Person[] {
  const self = peers.find((p) => p.isSelf);
  const groups = new Map<string, Peer[]>();
  for (const peer of peers) {
    const sameAsSelf = self !== undefined && self.userId !== null && peer.userId === self.userId;
    const key = sameAsSelf ? 'self' : peer.userId !== null ? `user:${peer.userId}` : `client:${peer.clientId}`;
    const group = groups.get(key);
    if (group) group.push(peer);
    else groups.set(key, [peer]);
  }
  return [...groups.entries()].map(([key, clients]) => {
    const lead = clients.find((p) => p.isSelf) ?? clients.find((p) => p.hasCursor) ?? clients[0]!;
    const ordered = [lead, ...clients.filter((p) => p !== lead)];
    return {
      key,
      name: lead.name,
      color: lead.color,
      isSelf: lead.isSelf,
      typing: clients.some((p) => p.typing),
      clientId: lead.clientId,
      clientIds: ordered.map((p) => p.clientId),
    };
  });
}
