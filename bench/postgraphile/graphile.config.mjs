// PostGraphile 5 as a benchmark peer: the same database the service serves, its own naming.
// Started by bench/peer.py with DATABASE_URL and PORT set; never part of the service.
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      // bench_peer holds the full-text search functions bench/peer.py creates
      schemas: ["public", "bench_peer"],
      poolConfig: { max: Number(process.env.PG_POOL_SIZE ?? 10) },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 5678),
    graphqlPath: "/graphql",
    watch: false,
  },
  grafast: { explain: false },
  schema: {
    // statements(filter: {statementTopicsByStatementId: {some: ...}}): the topic join
    connectionFilterRelations: true,
  },
};

export default preset;
