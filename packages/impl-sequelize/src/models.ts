import { exactCents } from '@dal/core';
import {
  type BelongsToGetAssociationMixin,
  type CreationOptional,
  DataTypes,
  type ForeignKey,
  type HasManyGetAssociationsMixin,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';

// Attributes are `declare`d: a class field would shadow the getters and setters Model.init defines, and every
// attribute would read undefined (Sequelize's own warning for TypeScript models).

export class Customer extends Model<InferAttributes<Customer>, InferCreationAttributes<Customer>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare name: string;
  declare createdAt: CreationOptional<Date>;
  declare deletedAt: CreationOptional<Date | null>;
}

export class Product extends Model<InferAttributes<Product>, InferCreationAttributes<Product>> {
  declare id: CreationOptional<number>;
  declare sku: string;
  declare name: string;
  declare priceCents: number;
  declare stock: number;
  declare version: CreationOptional<number>;
  declare updatedAt: CreationOptional<Date>;
}

export class Order extends Model<InferAttributes<Order>, InferCreationAttributes<Order>> {
  declare id: CreationOptional<number>;
  declare customerId: ForeignKey<Customer['id']>;
  declare status: 'pending' | 'paid' | 'shipped' | 'cancelled';
  declare totalCents: number;
  declare createdAt: Date;
  declare customer?: NonAttribute<Customer>;
  declare items?: NonAttribute<OrderItem[]>;
  declare getCustomer: BelongsToGetAssociationMixin<Customer>;
  declare getItems: HasManyGetAssociationsMixin<OrderItem>;
}

export class OrderItem extends Model<InferAttributes<OrderItem>, InferCreationAttributes<OrderItem>> {
  declare id: CreationOptional<number>;
  declare orderId: ForeignKey<Order['id']>;
  declare productId: ForeignKey<Product['id']>;
  declare quantity: number;
  declare unitPriceCents: number;
  declare product?: NonAttribute<Product>;
  declare getProduct: BelongsToGetAssociationMixin<Product>;
}

export class Account extends Model<InferAttributes<Account>, InferCreationAttributes<Account>> {
  declare id: CreationOptional<number>;
  declare customerId: ForeignKey<Customer['id']>;
  declare balanceCents: number;
  declare version: CreationOptional<number>;
}

export class Transfer extends Model<InferAttributes<Transfer>, InferCreationAttributes<Transfer>> {
  declare id: CreationOptional<number>;
  declare fromAccountId: ForeignKey<Account['id']>;
  declare toAccountId: ForeignKey<Account['id']>;
  declare amountCents: number;
  declare idempotencyKey: string;
  declare createdAt: CreationOptional<Date>;
}

// Attribute definitions are made fresh for each attribute: Model.init writes into them (`field`, `Model`), so
// one object shared by two attributes gives both the last one's column name.

/** An identity primary key: the database generates it (INSERT sends DEFAULT or leaves it out). */
const id = () => ({ type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false });
const integer = () => ({ type: DataTypes.INTEGER, allowNull: false });
const text = () => ({ type: DataTypes.TEXT, allowNull: false });

/**
 * A bigint column read as a number: node-postgres hands int8 over as a string and Sequelize 6 has no
 * option to parse it (the DataTypes.BIGINT parser is pg's, which keeps the string); the getter converts,
 * refusing anything beyond a safe integer (exactCents).
 */
function bigintCents(attribute: string) {
  return {
    type: DataTypes.BIGINT,
    allowNull: false,
    get(this: Model) {
      const value = this.getDataValue(attribute) as string | number | null | undefined;
      return value === null || value === undefined ? value : exactCents(value, attribute);
    },
  };
}

/**
 * A timestamp the database sets. `timestamps: false` on every model: Sequelize's own createdAt/updatedAt
 * are filled with the application's `new Date()` (milliseconds, the client's clock). The default is the
 * database's now() instead, sent as SQL, so an INSERT writes `now()` and RETURNING reads the stored value.
 */
const databaseNow = (sequelize: Sequelize) =>
  ({ type: DataTypes.DATE, allowNull: false, defaultValue: sequelize.fn('now') }) as const;

/**
 * The six models on `sequelize`, with their associations; table, column and constraint names of schema/.
 * Model.init binds a class to one Sequelize instance, and the suite (like an application with two
 * databases) runs several at once: each instance gets its own subclasses of the classes above.
 */
export function defineModels(sequelize: Sequelize) {
  const common = { sequelize, timestamps: false, underscored: true } as const;
  const models = {
    Customer: class extends Customer {},
    Product: class extends Product {},
    Order: class extends Order {},
    OrderItem: class extends OrderItem {},
    Account: class extends Account {},
    Transfer: class extends Transfer {},
  };
  models.Customer.init(
    {
      id: id(),
      email: text(),
      name: text(),
      createdAt: databaseNow(sequelize),
      deletedAt: { type: DataTypes.DATE },
    },
    {
      ...common,
      modelName: 'Customer',
      tableName: 'customers',
      // paranoid: true would need timestamps and writes deleted_at from the application's clock
      scopes: { live: { where: { deletedAt: null } } },
    },
  );
  models.Product.init(
    {
      id: id(),
      sku: { ...text(), unique: 'products_sku_key' },
      name: text(),
      priceCents: integer(),
      stock: integer(),
      version: { ...integer(), defaultValue: 1 },
      updatedAt: databaseNow(sequelize),
    },
    { ...common, modelName: 'Product', tableName: 'products' },
  );
  models.Order.init(
    {
      id: id(),
      customerId: integer(),
      status: text(),
      totalCents: integer(),
      createdAt: { type: DataTypes.DATE, allowNull: false },
    },
    { ...common, modelName: 'Order', tableName: 'orders' },
  );
  models.OrderItem.init(
    { id: id(), orderId: integer(), productId: integer(), quantity: integer(), unitPriceCents: integer() },
    { ...common, modelName: 'OrderItem', tableName: 'order_items' },
  );
  models.Account.init(
    {
      id: id(),
      customerId: { ...integer(), unique: 'accounts_customer_id_key' },
      balanceCents: bigintCents('balanceCents'),
      version: { ...integer(), defaultValue: 1 },
    },
    { ...common, modelName: 'Account', tableName: 'accounts' },
  );
  models.Transfer.init(
    {
      id: id(),
      fromAccountId: integer(),
      toAccountId: integer(),
      amountCents: bigintCents('amountCents'),
      idempotencyKey: { ...text(), unique: 'transfers_idempotency_key_key' },
      createdAt: databaseNow(sequelize),
    },
    { ...common, modelName: 'Transfer', tableName: 'transfers' },
  );

  // constraints: false — schema/ owns the foreign keys; the associations only tell Sequelize how to join
  const fk = (name: string) => ({ foreignKey: { name, allowNull: false }, constraints: false });
  const { Customer: C, Product: P, Order: O, OrderItem: I, Account: A, Transfer: T } = models;
  O.belongsTo(C, { as: 'customer', ...fk('customerId') });
  C.hasMany(O, { as: 'orders', ...fk('customerId') });
  O.hasMany(I, { as: 'items', ...fk('orderId') });
  I.belongsTo(O, { as: 'order', ...fk('orderId') });
  I.belongsTo(P, { as: 'product', ...fk('productId') });
  A.belongsTo(C, { as: 'customer', ...fk('customerId') });
  T.belongsTo(A, { as: 'fromAccount', ...fk('fromAccountId') });
  T.belongsTo(A, { as: 'toAccount', ...fk('toAccountId') });
  return models;
}

export type Models = ReturnType<typeof defineModels>;
