import { call } from '../api';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';

/** What a data folder without teams shows: start with a sample team, or open another folder. */
export function Welcome({
  onCreated,
  onOpenFolder,
  onDatabase = false,
}: {
  onCreated(team: string): void;
  onOpenFolder(): void;
  onDatabase?: boolean;
}) {
  const api = useApi();
  const { fail } = useNotices();
  return (
    <section className="welcome">
      <h1>Welcome to Lockstep</h1>
      <p>
        {onDatabase ? 'This database has no teams yet.' : 'This data folder has no teams yet.'} Start with a sample team to see how a board
        works, or open a ClawTeam data folder.
      </p>
      <div className="button-row">
        <button
          type="button"
          className="primary"
          onClick={async () => {
            try {
              onCreated((await call(api, 'createSampleTeam', {})).name);
            } catch (err) {
              fail(err);
            }
          }}
        >
          Create a sample team
        </button>
        <button type="button" onClick={onOpenFolder}>
          Open a data folder…
        </button>
      </div>
    </section>
  );
}
