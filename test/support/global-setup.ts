// Once per `npm test`: migrate the test database and load the fixture residents.
import "./env.js";
import { migrateAll } from "../../subgraphs/kernel/migrate.js";
import { openDatabase } from "../../app/database.js";
import { seedDemoData } from "../../app/seed.js";
import { env } from "../../subgraphs/kernel/env.js";
import { FIXTURE } from "./fixture.js";

export default async function globalSetup() {
  const db = await openDatabase(env());
  try {
    await migrateAll(db);
    await seedDemoData(db, { residents: FIXTURE.residents, today: FIXTURE.today });
  } finally {
    await db.close();
  }
}
