import type { OrmCatalogEntry, OrmId } from "../types.js";
import { activerecord } from "./activerecord.js";
import { django } from "./django.js";
import { drizzle } from "./drizzle.js";
import { ecto } from "./ecto.js";
import { efcore } from "./efcore.js";
import { gorm } from "./gorm.js";
import { hibernate } from "./hibernate.js";
import { laravel } from "./laravel.js";
import { mikroorm } from "./mikroorm.js";
import { prisma } from "./prisma.js";
import { sequelize } from "./sequelize.js";
import { sqlalchemy } from "./sqlalchemy.js";
import { typeorm } from "./typeorm.js";

/**
 * The catalog: one entry per ORM, one file each. Keyed by OrmId, so adding an id without an entry (or an entry
 * without an id) fails to compile. Recognition and guidance iterate over this record and nothing else.
 */
export const ORMS: Readonly<Record<OrmId, OrmCatalogEntry>> = {
  sqlalchemy,
  django,
  activerecord,
  laravel,
  hibernate,
  efcore,
  prisma,
  sequelize,
  typeorm,
  drizzle,
  mikroorm,
  gorm,
  ecto,
};
