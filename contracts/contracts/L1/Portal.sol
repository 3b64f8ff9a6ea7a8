// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { GameStatus, IDisputeGame } from "../interfaces/IDisputeGame.sol";
import { IDisputeGameFactory } from "../interfaces/IDisputeGameFactory.sol";
import { AddressAliasHelper } from "../lib/AddressAliasHelper.sol";
import { Hashing } from "../lib/Hashing.sol";
import { SecureMerkleTrie } from "../lib/MerkleTrie.sol";
import { SafeCall } from "../lib/SafeCall.sol";
import { Types } from "../lib/Types.sol";

/// @title Portal
/// @notice Mach's L1 bridge entry point, shaped like OptimismPortal2 (fault-proof path, `version()` >= 3) so that
///         viem's `viem/op-stack` actions work unchanged:
///         - deposits: `depositTransaction` emits `TransactionDeposited(from, to, 0, opaqueData)` with
///           `opaqueData = mint ‖ value ‖ uint64 gasLimit ‖ isCreation ‖ data`; contract callers are aliased.
///         - withdrawals: `proveWithdrawalTransaction` checks an output root proof against a game of
///           `respectedGameType` from the factory and a storage proof of `sentMessages[withdrawalHash]` in the
///           L2ToL1MessagePasser against `messagePasserStorageRoot`; after `proofMaturityDelaySeconds`, and once the
///           game resolved `DEFENDER_WINS` more than `disputeGameFinalityDelaySeconds` ago,
///           `finalizeWithdrawalTransaction[ExternalProof]` executes it once.
///         `checkWithdrawal` reverts with the reasons viem's `getWithdrawalStatus` maps to a status.
///         The guardian pauses proving/finalizing (deposits stay open, as in the OP Stack), blacklists games and
///         sets the respected game type.
contract Portal {
    struct ProvenWithdrawal {
        IDisputeGame disputeGameProxy;
        uint64 timestamp;
    }

    /// @notice `l2Sender` outside of a withdrawal's execution.
    address internal constant DEFAULT_L2_SENDER = 0x000000000000000000000000000000000000dEaD;
    /// @notice Gas estimation sender: a failed withdrawal call reverts the whole call for it, so estimates are right.
    address internal constant ESTIMATION_ADDRESS = address(1);
    uint256 internal constant DEPOSIT_VERSION = 0;
    uint64 internal constant RECEIVE_DEFAULT_GAS_LIMIT = 100_000;
    uint256 internal constant MAX_DEPOSIT_DATA_LENGTH = 120_000;
    /// @notice Upper bound of an L2 deposit's gas limit (the OP Stack's default `maxResourceLimit`).
    uint64 public constant MAX_DEPOSIT_GAS_LIMIT = 20_000_000;

    IDisputeGameFactory public immutable disputeGameFactory;
    uint256 public immutable proofMaturityDelaySeconds;
    uint256 public immutable disputeGameFinalityDelaySeconds;

    address public guardian;
    bool public paused;
    uint32 public respectedGameType;
    uint64 public respectedGameTypeUpdatedAt;
    /// @notice The L2 sender of the withdrawal being executed; `0x…dEaD` otherwise (also the reentrancy lock).
    address public l2Sender;

    mapping(bytes32 => bool) public finalizedWithdrawals;
    mapping(bytes32 => mapping(address => ProvenWithdrawal)) public provenWithdrawals;
    mapping(bytes32 => address[]) public proofSubmitters;
    mapping(IDisputeGame => bool) public disputeGameBlacklist;

    event TransactionDeposited(address indexed from, address indexed to, uint256 indexed version, bytes opaqueData);
    event WithdrawalProven(bytes32 indexed withdrawalHash, address indexed from, address indexed to);
    event WithdrawalProvenExtension1(bytes32 indexed withdrawalHash, address indexed proofSubmitter);
    event WithdrawalFinalized(bytes32 indexed withdrawalHash, bool success);
    event Paused(address account);
    event Unpaused(address account);
    event DisputeGameBlacklisted(IDisputeGame indexed disputeGame);
    event RespectedGameTypeSet(uint32 indexed newGameType, uint64 indexed updatedAt);
    event GuardianChanged(address indexed previousGuardian, address indexed newGuardian);

    error Unauthorized();
    error CallPaused();
    error BadTarget();
    error LargeCalldata();
    error SmallGasLimit();
    error LargeGasLimit();
    error NonReentrant();
    error GasEstimation();
    error InvalidGameType();
    error InvalidDisputeGame();
    error InvalidProof();
    error InvalidMerkleProof();
    error AlreadyFinalized();
    error Unproven();
    error OptimismPortal_InvalidProofTimestamp();

    constructor(
        IDisputeGameFactory _disputeGameFactory,
        address _guardian,
        uint32 _respectedGameType,
        uint256 _proofMaturityDelaySeconds,
        uint256 _disputeGameFinalityDelaySeconds
    ) {
        disputeGameFactory = _disputeGameFactory;
        guardian = _guardian;
        respectedGameType = _respectedGameType;
        proofMaturityDelaySeconds = _proofMaturityDelaySeconds;
        disputeGameFinalityDelaySeconds = _disputeGameFinalityDelaySeconds;
        l2Sender = DEFAULT_L2_SENDER;
    }

    modifier onlyGuardian() {
        if (msg.sender != guardian) revert Unauthorized();
        _;
    }

    modifier whenNotPaused() {
        if (paused) revert CallPaused();
        _;
    }

    /// @notice Semver; viem takes the fault-proof code path for major >= 3.
    function version() external pure returns (string memory) {
        return "3.10.0";
    }

    /// @notice A plain ETH transfer deposits to the same address on L2.
    receive() external payable {
        depositTransaction(msg.sender, msg.value, RECEIVE_DEFAULT_GAS_LIMIT, false, bytes(""));
    }

    /// @notice Adds ETH to the portal without a deposit (used to seed liquidity in tests and migrations).
    function donateETH() external payable { }

    /// @notice The least L2 gas a deposit with `_byteCount` bytes of data may ask for.
    function minimumGasLimit(uint64 _byteCount) public pure returns (uint64) {
        return _byteCount * 40 + 21_000;
    }

    /// @notice Sends a transaction to L2: mints `msg.value` to the sender on L2 and calls `_to` (or creates a
    ///         contract when `_isCreation`, with `_to` zero) with `_value` and `_gasLimit`.
    function depositTransaction(address _to, uint256 _value, uint64 _gasLimit, bool _isCreation, bytes memory _data)
        public
        payable
    {
        if (_isCreation && _to != address(0)) revert BadTarget();
        if (_data.length > MAX_DEPOSIT_DATA_LENGTH) revert LargeCalldata();
        if (_gasLimit < minimumGasLimit(uint64(_data.length))) revert SmallGasLimit();
        if (_gasLimit > MAX_DEPOSIT_GAS_LIMIT) revert LargeGasLimit();

        address from = msg.sender;
        if (!_isSenderEOA()) from = AddressAliasHelper.applyL1ToL2Alias(msg.sender);

        bytes memory opaqueData = abi.encodePacked(msg.value, _value, _gasLimit, _isCreation, _data);
        emit TransactionDeposited(from, _to, DEPOSIT_VERSION, opaqueData);
    }

    /// @notice Proves that `_tx` was sent on L2 at the output root claimed by game `_disputeGameIndex`.
    function proveWithdrawalTransaction(
        Types.WithdrawalTransaction memory _tx,
        uint256 _disputeGameIndex,
        Types.OutputRootProof calldata _outputRootProof,
        bytes[] calldata _withdrawalProof
    )
        external
        whenNotPaused
    {
        if (_tx.target == address(this)) revert BadTarget();

        (uint32 gameType,, IDisputeGame gameProxy) = disputeGameFactory.gameAtIndex(_disputeGameIndex);
        if (gameType != respectedGameType) revert InvalidGameType();
        if (_isGameInvalid(gameProxy)) revert InvalidDisputeGame();
        if (gameProxy.createdAt() < respectedGameTypeUpdatedAt) revert InvalidDisputeGame();
        if (gameProxy.rootClaim() != Hashing.hashOutputRootProof(_outputRootProof)) revert InvalidProof();

        bytes32 withdrawalHash = Hashing.hashWithdrawal(_tx);
        if (finalizedWithdrawals[withdrawalHash]) revert AlreadyFinalized();
        bytes32 storageKey = Hashing.withdrawalStorageSlot(withdrawalHash);
        if (
            !SecureMerkleTrie.verifyInclusionProof(
                abi.encode(storageKey), hex"01", _withdrawalProof, _outputRootProof.messagePasserStorageRoot
            )
        ) revert InvalidMerkleProof();

        // A submitter may re-prove (e.g. against a newer game); it is listed once.
        if (provenWithdrawals[withdrawalHash][msg.sender].timestamp == 0) {
            proofSubmitters[withdrawalHash].push(msg.sender);
        }
        provenWithdrawals[withdrawalHash][msg.sender] =
            ProvenWithdrawal({ disputeGameProxy: gameProxy, timestamp: uint64(block.timestamp) });

        emit WithdrawalProven(withdrawalHash, _tx.sender, _tx.target);
        emit WithdrawalProvenExtension1(withdrawalHash, msg.sender);
    }

    /// @notice Executes a withdrawal proven by the caller.
    function finalizeWithdrawalTransaction(Types.WithdrawalTransaction memory _tx) external {
        finalizeWithdrawalTransactionExternalProof(_tx, msg.sender);
    }

    /// @notice Executes a withdrawal proven by `_proofSubmitter`; anyone may call it.
    function finalizeWithdrawalTransactionExternalProof(Types.WithdrawalTransaction memory _tx, address _proofSubmitter)
        public
        whenNotPaused
    {
        // Reentrancy lock: a withdrawal's call cannot finalize another withdrawal.
        if (l2Sender != DEFAULT_L2_SENDER) revert NonReentrant();
        if (_tx.target == address(this)) revert BadTarget();

        bytes32 withdrawalHash = Hashing.hashWithdrawal(_tx);
        checkWithdrawal(withdrawalHash, _proofSubmitter);
        // Marked before the call: replay is impossible even if the call fails.
        finalizedWithdrawals[withdrawalHash] = true;

        l2Sender = _tx.sender;
        bool success = SafeCall.callWithMinGas(_tx.target, _tx.gasLimit, _tx.value, _tx.data);
        l2Sender = DEFAULT_L2_SENDER;

        emit WithdrawalFinalized(withdrawalHash, success);
        if (!success && tx.origin == ESTIMATION_ADDRESS) revert GasEstimation();
    }

    /// @notice Returns normally when the withdrawal proven by `_proofSubmitter` can be finalized now; otherwise
    ///         reverts with the reason viem's `getWithdrawalStatus` maps (ready-to-prove / waiting-to-finalize).
    function checkWithdrawal(bytes32 _withdrawalHash, address _proofSubmitter) public view {
        if (finalizedWithdrawals[_withdrawalHash]) revert AlreadyFinalized();
        ProvenWithdrawal memory proven = provenWithdrawals[_withdrawalHash][_proofSubmitter];
        if (proven.timestamp == 0) {
            revert("OptimismPortal: withdrawal has not been proven by proof submitter address yet");
        }
        IDisputeGame game = proven.disputeGameProxy;
        // A proof against a game that lost, was blacklisted or predates the respected type is no proof: prove again.
        if (_isGameInvalid(game)) revert Unproven();
        if (game.gameType() != respectedGameType) revert InvalidGameType();
        if (game.createdAt() < respectedGameTypeUpdatedAt) {
            revert("OptimismPortal: dispute game created before respected game type was updated");
        }
        if (proven.timestamp <= game.createdAt()) revert OptimismPortal_InvalidProofTimestamp();
        if (block.timestamp - proven.timestamp <= proofMaturityDelaySeconds) {
            revert("OptimismPortal: proven withdrawal has not matured yet");
        }
        if (game.status() != GameStatus.DEFENDER_WINS) {
            revert("OptimismPortal: output proposal has not been finalized yet");
        }
        if (block.timestamp - game.resolvedAt() <= disputeGameFinalityDelaySeconds) {
            revert("OptimismPortal: output proposal in air-gap");
        }
    }

    function numProofSubmitters(bytes32 _withdrawalHash) external view returns (uint256) {
        return proofSubmitters[_withdrawalHash].length;
    }

    /// @notice True when the portal refuses `_game`: blacklisted by the guardian or lost to a challenger.
    function isGameInvalid(IDisputeGame _game) external view returns (bool) {
        return _isGameInvalid(_game);
    }

    function pause() external onlyGuardian {
        paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyGuardian {
        paused = false;
        emit Unpaused(msg.sender);
    }

    function blacklistDisputeGame(IDisputeGame _disputeGame) external onlyGuardian {
        disputeGameBlacklist[_disputeGame] = true;
        emit DisputeGameBlacklisted(_disputeGame);
    }

    /// @notice Changes the respected game type; games created before the change no longer back withdrawals.
    function setRespectedGameType(uint32 _gameType) external onlyGuardian {
        respectedGameType = _gameType;
        respectedGameTypeUpdatedAt = uint64(block.timestamp);
        emit RespectedGameTypeSet(_gameType, uint64(block.timestamp));
    }

    function setGuardian(address _guardian) external onlyGuardian {
        emit GuardianChanged(guardian, _guardian);
        guardian = _guardian;
    }

    function _isGameInvalid(IDisputeGame _game) internal view returns (bool) {
        return disputeGameBlacklist[_game] || _game.status() == GameStatus.CHALLENGER_WINS;
    }

    /// @notice EOA check of OptimismPortal2 4.x: a direct call from the transaction origin, or an EIP-7702
    ///         delegated EOA (code `0xef0100 ‖ address`).
    function _isSenderEOA() internal view returns (bool) {
        if (msg.sender == tx.origin) return true;
        address sender = msg.sender;
        if (sender.code.length != 23) return false;
        bytes3 prefix;
        assembly {
            extcodecopy(sender, 0, 0, 3)
            prefix := mload(0)
        }
        return prefix == bytes3(0xef0100);
    }
}
